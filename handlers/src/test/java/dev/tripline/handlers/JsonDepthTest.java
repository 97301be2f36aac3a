package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDepthTest {

  @ParameterizedTest(name = "{0} within {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                  | 1",
        "{\"a\":[1,{\"b\":2}]}               | 3",
        "[[[]]]                              | 3",
        "{\"s\":\"[[[[[[[[\"}                | 1",
        "{\"s\":\"\\\"[[[[\"}                | 1",
        "{\"s\":\"\\\\\",\"t\":[1]}          | 2",
        "[1],[2],[3]                         | 1",
        "{\"k\":\"é{ü[\"}                    | 1",
      })
  void should_accept_json_within_the_limit(String json, int max) {
    assertThatCode(() -> JsonDepth.requireAtMost(Buffer.buffer(json), max))
        .doesNotThrowAnyException();
    assertThatCode(() -> JsonDepth.requireAtMost(json, max)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\":{}}                          | 1",
        "[[[]]]                              | 2",
        "{\"s\":\"\\\\\",\"t\":[[1]]}        | 2",
        "{\"s\":\"x\"}[[[                    | 2",
      })
  void should_reject_json_deeper_than_the_limit(String json, int max) {
    assertThatThrownBy(() -> JsonDepth.requireAtMost(Buffer.buffer(json), max))
        .isInstanceOf(IngestRejection.class)
        .hasMessage("JSON too deep: nesting exceeds maxJsonDepth " + max + " levels");
    assertThatThrownBy(() -> JsonDepth.requireAtMost(json, max))
        .isInstanceOf(IngestRejection.class);
  }

  @org.junit.jupiter.api.Test
  void should_reject_a_huge_nesting_without_recursing() {
    String bomb = "[".repeat(1_000_000);

    assertThatThrownBy(() -> JsonDepth.requireAtMost(Buffer.buffer(bomb), 64))
        .isInstanceOfSatisfying(
            IngestRejection.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.reason())
                    .isEqualTo(RejectReason.TOO_DEEP));
  }
}
