package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  // The Standard Webhooks specification's published example, as in the reference libraries' tests
  // (standard-webhooks/standard-webhooks, libraries/java WebhookTest.verifyWebhookSignWorks).
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static final Instant AT_TIMESTAMP = Instant.ofEpochSecond(TIMESTAMP);
  private final WebhookSigner signer = new WebhookSigner(SECRET);

  @Test
  void should_reproduce_the_specification_example_signature() {
    assertThat(signer.sign(MSG_ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
  }

  @Test
  void should_accept_the_specification_example() {
    assertThat(signer.verify(MSG_ID, "1614265330", BODY, SIGNATURE, AT_TIMESTAMP)).isTrue();
  }

  @Test
  void should_reject_a_tampered_body() {
    assertThat(
            signer.verify(MSG_ID, "1614265330", "{\"test\": 2432232315}", SIGNATURE, AT_TIMESTAMP))
        .isFalse();
  }

  @Test
  void should_reject_another_message_id() {
    assertThat(signer.verify("msg_other", "1614265330", BODY, SIGNATURE, AT_TIMESTAMP)).isFalse();
  }

  @Test
  void should_reject_a_signature_made_with_another_secret() {
    WebhookSigner other = new WebhookSigner("whsec_" + "A".repeat(32));
    String forged = other.sign(MSG_ID, TIMESTAMP, BODY);

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, forged, AT_TIMESTAMP)).isFalse();
  }

  @Test
  void should_reject_a_timestamp_older_than_the_tolerance() {
    Instant later = AT_TIMESTAMP.plus(WebhookSigner.DEFAULT_TOLERANCE).plusSeconds(1);

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, SIGNATURE, later)).isFalse();
  }

  @Test
  void should_reject_a_timestamp_newer_than_the_tolerance() {
    Instant earlier = AT_TIMESTAMP.minus(Duration.ofMinutes(5)).minusSeconds(1);

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, SIGNATURE, earlier)).isFalse();
  }

  @Test
  void should_accept_a_timestamp_at_the_edge_of_the_tolerance() {
    Instant later = AT_TIMESTAMP.plus(WebhookSigner.DEFAULT_TOLERANCE);

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, SIGNATURE, later)).isTrue();
  }

  @Test
  void should_accept_when_one_of_several_signatures_matches() {
    String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + SIGNATURE;

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, header, AT_TIMESTAMP)).isTrue();
  }

  @Test
  void should_ignore_signatures_of_other_versions() {
    String header = SIGNATURE.replace("v1,", "v2,");

    assertThat(signer.verify(MSG_ID, "1614265330", BODY, header, AT_TIMESTAMP)).isFalse();
  }

  @Test
  void should_reject_malformed_headers() {
    assertThat(signer.verify(MSG_ID, "yesterday", BODY, SIGNATURE, AT_TIMESTAMP)).isFalse();
    assertThat(signer.verify(MSG_ID, "1614265330", BODY, "v1,not base64!", AT_TIMESTAMP)).isFalse();
    assertThat(signer.verify(MSG_ID, "1614265330", BODY, "garbage", AT_TIMESTAMP)).isFalse();
    assertThat(signer.verify(MSG_ID, "1614265330", BODY, null, AT_TIMESTAMP)).isFalse();
  }

  @Test
  void should_refuse_a_secret_without_prefix_and_not_echo_it() {
    assertThatThrownBy(() -> new WebhookSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whsec_")
        .hasMessageNotContaining("MfKQ9r8");
  }

  @Test
  void should_not_print_the_secret() {
    assertThat(signer.toString()).doesNotContain("MfKQ9r8");
  }

  @Test
  void should_sign_with_each_secret_while_rotating() {
    String next = "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==";
    WebhookSigner rotating = new WebhookSigner(java.util.List.of(SECRET, next));

    String header = rotating.sign(MSG_ID, TIMESTAMP, BODY);

    assertThat(header.split(" ")).hasSize(2).startsWith(SIGNATURE);
    assertThat(SpecVerifier.verifies(SECRET, MSG_ID, "1614265330", BODY, header)).isTrue();
    assertThat(SpecVerifier.verifies(next, MSG_ID, "1614265330", BODY, header)).isTrue();
    assertThat(SpecVerifier.verifies(next, MSG_ID, "1614265330", BODY, SIGNATURE)).isFalse();
    assertThat(new WebhookSigner(next).verify(MSG_ID, "1614265330", BODY, header, AT_TIMESTAMP))
        .isTrue();
  }

  @Test
  void should_match_the_specification_example_with_the_test_verifier() {
    assertThat(SpecVerifier.verifies(SECRET, MSG_ID, "1614265330", BODY, SIGNATURE)).isTrue();
    assertThat(SpecVerifier.verifies(SECRET, MSG_ID, "1614265331", BODY, SIGNATURE)).isFalse();
  }
}
