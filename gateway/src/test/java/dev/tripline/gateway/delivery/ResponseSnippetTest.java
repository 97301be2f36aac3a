package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ResponseSnippetTest {

  @Test
  void should_keep_only_the_start_of_a_large_answer() {
    ResponseSnippet snippet = new ResponseSnippet();
    for (int i = 0; i < 100; i++) {
      snippet.write(Buffer.buffer("x".repeat(1_000)));
    }

    assertThat(snippet.text()).hasSize(AttemptRecord.MAX_RESPONSE_CHARS).matches("x+");
  }

  @Test
  void should_have_no_text_for_an_empty_answer() {
    assertThat(new ResponseSnippet().text()).isNull();
  }
}
