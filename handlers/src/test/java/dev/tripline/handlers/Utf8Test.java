package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

  private static Buffer hex(String hex) {
    return Buffer.buffer(HexFormat.of().parseHex(hex));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "overlong slash, 41c0af, 1",
    "overlong 2-byte C1, c1bf, 0",
    "overlong 3-byte, e080af, 0",
    "overlong 4-byte, f08080af, 0",
    "high surrogate, 41eda080, 1",
    "low surrogate, edbfbf, 0",
    "beyond U+10FFFF, f4908080, 0",
    "F5 lead byte, f5808080, 0",
    "FF byte, 41ff, 1",
    "lone continuation, 414280, 2",
    "truncated 2-byte at end, 41c3, 1",
    "truncated 3-byte at end, e282, 0",
    "truncated 3-byte before ASCII, e28241, 0",
    "truncated 4-byte, f09f9841, 0",
    "second sequence bad, c3a9c0af, 2",
    "last byte of an eight-byte word, 6161616161616180, 7",
    "after two ASCII words, 6161616161616161616161616161616161c0af, 17",
    "truncated after a word, 616161616161616161e282, 9",
  })
  void should_name_the_first_byte_of_the_first_ill_formed_sequence(
      String name, String bytes, int offset) {
    assertThat(Utf8.firstInvalid(hex(bytes))).isEqualTo(offset);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "7b2261223a317d", // {"a":1}
        "00", // NUL is well-formed UTF-8; JSON refuses it unescaped, not this
        "c280", // U+0080
        "dfbf", // U+07FF
        "e0a080", // U+0800
        "ed9fbf", // U+D7FF, below the surrogates
        "ee8080", // U+E000, above the surrogates
        "efbfbd", // U+FFFD
        "efbfbf", // U+FFFF
        "f0908080", // U+10000
        "f48fbfbf", // U+10FFFF
        "f09f9880" // an emoji
      })
  void should_accept_every_well_formed_sequence(String bytes) {
    assertThat(Utf8.firstInvalid(hex(bytes))).isEqualTo(-1);
  }

  @Test
  void should_refuse_with_400_naming_the_byte() {
    assertThatThrownBy(
            () -> Utf8.requireValid(Buffer.buffer("{\"a\":\"").appendBytes(hex("c0af").getBytes())))
        .isInstanceOfSatisfying(
            IngestRejection.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
              assertThat(e.getMessage()).isEqualTo("body: invalid UTF-8 at byte 6");
            });
  }
}
