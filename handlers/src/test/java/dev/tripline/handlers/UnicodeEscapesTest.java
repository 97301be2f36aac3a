package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnicodeEscapesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // JSON text                               | offset of the unpaired escape, -1 for none
        "{\"a\":\"plain ascii, long enough to skip\"} | -1",
        "{\"a\":\"\\ud83d\\ude00\"}                  | -1",
        "{\"a\":\"\\\\ud800\"}                       | -1",
        "{\"a\":\"\\u00e9\\n\\\"\\\\\"}              | -1",
        "{\"a\":\"\\ud800\"}                         | 6",
        "{\"a\":\"\\udfff\"}                         | 6",
        "{\"a\":\"\\udbff\\u0041\"}                  | 6",
        "{\"a\":\"\\ud800\\ud800\"}                  | 6",
        "{\"a\":\"\\ude00\\ud83d\"}                  | 6",
        "{\"abcdefghijklmnop\":\"xyz\\ud800\"}        | 24",
        "{\"a\":\"\\ud800                            | 6",
        "{\"a\":\"\\uzzzz\"}                         | -1",
      })
  void should_find_the_first_unpaired_surrogate_escape(String json, int offset) {
    assertThat(UnicodeEscapes.firstUnpaired(Buffer.buffer(json.strip()))).isEqualTo(offset);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'{\"type\":\"\\ud800\"}'"})
  void should_refuse_with_400_naming_the_escape_and_the_byte(String json) {
    assertThatThrownBy(() -> UnicodeEscapes.requirePaired(Buffer.buffer(json)))
        .isInstanceOfSatisfying(
            IngestRejection.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
            })
        .hasMessage(
            "body: unpaired surrogate escape \\ud800 at byte 9: JSON strings must be Unicode text");
  }
}
