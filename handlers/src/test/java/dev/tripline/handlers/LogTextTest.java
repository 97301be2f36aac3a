package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogTextTest {

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("plain text", "/v1/events?x=1", "/v1/events?x=1"),
        Arguments.of("ANSI colour", "/\u001b[31mred", "/\\u001b[31mred"),
        Arguments.of("forged log line", "a\nWARN forged", "a\\nWARN forged"),
        Arguments.of("carriage return, tab", "a\r\tb", "a\\r\\tb"),
        Arguments.of("NUL, BEL, DEL", "a\u0000\u0007\u007fb", "a\\u0000\\u0007\\u007fb"),
        Arguments.of("C1 control (CSI)", "a\u009b2Jb", "a\\u009b2Jb"),
        Arguments.of("line separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"),
        Arguments.of("other Unicode kept", "café ✓ 😀", "café ✓ 😀"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void should_escape_every_control_character_and_nothing_else(
      String name, String value, String logged) {
    assertThat(LogText.escape(value)).isEqualTo(logged);
  }

  @Test
  void should_show_null_as_null() {
    assertThat(LogText.escape(null)).isEqualTo("null");
  }
}
