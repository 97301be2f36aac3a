package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizesTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "0B, 0",
    "512B, 512",
    "512KiB, 524288",
    "1MiB, 1048576",
    "2GiB, 2147483648",
    "64KB, 64000",
    "10MB, 10000000",
    "1GB, 1000000000"
  })
  void should_parse_binary_and_decimal_units(String text, long bytes) {
    assertThat(DataSizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "rejects [{0}]")
  @ValueSource(strings = {"", "512", "-1KiB", "1kib", "1TB", "1.5MiB", "KiB", "1 MiB x"})
  void should_reject_malformed_sizes_naming_the_accepted_forms(String text) {
    assertThatThrownBy(() -> DataSizes.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected " + DataSizes.ACCEPTED + ", was \"" + text + "\"");
  }

  @ParameterizedTest(name = "{0} bytes formats as {1}")
  @CsvSource({
    "0, 0B",
    "524288, 512KiB",
    "1048576, 1MiB",
    "1000, 1KB",
    "1500, 1500B",
    "3000000, 3MB"
  })
  void should_format_with_the_largest_exact_unit(long bytes, String text) {
    assertThat(DataSizes.format(bytes)).isEqualTo(text);
    assertThat(DataSizes.parse(text)).isEqualTo(bytes);
  }

  @Test
  void should_reject_an_overflowing_size() {
    assertThatThrownBy(() -> DataSizes.parse("99999999999GiB"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
