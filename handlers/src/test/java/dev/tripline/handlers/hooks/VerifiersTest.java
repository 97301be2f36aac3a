package dev.tripline.handlers.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.hooks.VerificationException.Reason;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each scheme against its provider's published description and, where there is one, example. */
class VerifiersTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private static void rejected(ThrowingCallable call, Reason reason, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Nested
  class GitHub {
    // docs.github.com, "Validating webhook deliveries", testing the webhook payload validation
    static final String SECRET = "It's a Secret to Everybody";
    static final String PAYLOAD = "Hello, World!";
    static final String SIGNATURE =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    final HmacVerifier verifier = HmacVerifier.github(List.of(SECRET));

    @Test
    void should_accept_githubs_documented_example() {
      assertThat(Signing.github(SECRET, PAYLOAD)).isEqualTo(SIGNATURE);
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("X-Hub-Signature-256", SIGNATURE), Buffer.buffer(PAYLOAD), NOW))
          .doesNotThrowAnyException();
    }

    @Test
    void should_reject_a_wrong_secret_a_tampered_body_and_a_missing_header() {
      rejected(
          () ->
              verifier.verify(
                  headers("X-Hub-Signature-256", Signing.github("another secret", PAYLOAD)),
                  Buffer.buffer(PAYLOAD),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () ->
              verifier.verify(
                  headers("X-Hub-Signature-256", SIGNATURE), Buffer.buffer("Hello, World?"), NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () -> verifier.verify(headers(), Buffer.buffer(PAYLOAD), NOW),
          Reason.MISSING_HEADER,
          "missing header x-hub-signature-256");
    }

    @Test
    void should_reject_a_header_without_its_prefix_or_not_hex() {
      rejected(
          () ->
              verifier.verify(
                  headers("X-Hub-Signature-256", SIGNATURE.substring(7)),
                  Buffer.buffer(PAYLOAD),
                  NOW),
          Reason.MALFORMED_HEADER,
          "malformed header x-hub-signature-256: must start with sha256=");
      rejected(
          () ->
              verifier.verify(
                  headers("X-Hub-Signature-256", "sha256=zz"), Buffer.buffer(PAYLOAD), NOW),
          Reason.MALFORMED_HEADER,
          "malformed header x-hub-signature-256: must be hex");
    }

    @Test
    void should_accept_either_secret_while_rotating() {
      HmacVerifier rotating = HmacVerifier.github(List.of("the old secret", SECRET));
      assertThatCode(
              () ->
                  rotating.verify(
                      headers("X-Hub-Signature-256", SIGNATURE), Buffer.buffer(PAYLOAD), NOW))
          .doesNotThrowAnyException();
      assertThatCode(
              () ->
                  rotating.verify(
                      headers("X-Hub-Signature-256", Signing.github("the old secret", PAYLOAD)),
                      Buffer.buffer(PAYLOAD),
                      NOW))
          .doesNotThrowAnyException();
    }

    @Test
    void should_verify_the_raw_bytes_not_a_decoding_of_them() throws Exception {
      // not UTF-8: a verifier that decoded the body to text and back would sign other bytes
      byte[] raw = {'{', (byte) 0xff, (byte) 0xfe, '}'};
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(raw));
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("X-Hub-Signature-256", signature), Buffer.buffer(raw), NOW))
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class StandardWebhooks {
    // the specification's example, as its reference libraries test it
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String TIMESTAMP = "1614265330";
    static final String BODY = "{\"test\": 2432232314}";
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant AT = Instant.ofEpochSecond(1614265330);

    final StandardWebhooksVerifier verifier =
        new StandardWebhooksVerifier(List.of(SECRET), Duration.ofMinutes(5));

    MultiMap signed(String signature) {
      return headers(
          "webhook-id", ID, "webhook-timestamp", TIMESTAMP, "webhook-signature", signature);
    }

    @Test
    void should_accept_the_specifications_example() {
      assertThat(Signing.standard(SECRET, ID, 1614265330, BODY)).isEqualTo(SIGNATURE);
      assertThatCode(() -> verifier.verify(signed(SIGNATURE), Buffer.buffer(BODY), AT))
          .doesNotThrowAnyException();
    }

    @Test
    void should_accept_one_matching_signature_among_several() {
      String other = Signing.standard("whsec_" + "QUFBQUFBQUFBQUFBQUFBQQ==", ID, 1614265330, BODY);
      assertThatCode(
              () ->
                  verifier.verify(signed(other + " v2,abc " + SIGNATURE), Buffer.buffer(BODY), AT))
          .doesNotThrowAnyException();
    }

    @Test
    void should_reject_a_wrong_secret_a_tampered_body_or_id() {
      String wrong = Signing.standard("whsec_QUFBQUFBQUFBQUFBQUFBQQ==", ID, 1614265330, BODY);
      rejected(
          () -> verifier.verify(signed(wrong), Buffer.buffer(BODY), AT),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () -> verifier.verify(signed(SIGNATURE), Buffer.buffer("{\"test\": 2432232315}"), AT),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      MultiMap otherId = signed(SIGNATURE).set("webhook-id", "msg_other");
      rejected(
          () -> verifier.verify(otherId, Buffer.buffer(BODY), AT),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
    }

    @Test
    void should_reject_a_timestamp_outside_the_tolerance_either_way() {
      rejected(
          () ->
              verifier.verify(
                  signed(SIGNATURE), Buffer.buffer(BODY), AT.plus(Duration.ofSeconds(301))),
          Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
          "timestamp outside tolerance of 300s");
      rejected(
          () ->
              verifier.verify(
                  signed(SIGNATURE), Buffer.buffer(BODY), AT.minus(Duration.ofSeconds(301))),
          Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
          "timestamp outside tolerance of 300s");
      assertThatCode(
              () ->
                  verifier.verify(
                      signed(SIGNATURE), Buffer.buffer(BODY), AT.plus(Duration.ofSeconds(300))))
          .doesNotThrowAnyException();
    }

    @Test
    void should_reject_extreme_timestamps_as_outside_the_tolerance_even_when_signed() {
      long now = AT.getEpochSecond();
      // now + Long.MIN_VALUE is the one whose naive distance wraps to Long.MIN_VALUE: "fresh"
      for (long timestamp : new long[] {now + Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, -1}) {
        MultiMap headers =
            headers(
                "webhook-id",
                ID,
                "webhook-timestamp",
                Long.toString(timestamp),
                "webhook-signature",
                Signing.standard(SECRET, ID, timestamp, BODY));
        rejected(
            () -> verifier.verify(headers, Buffer.buffer(BODY), AT),
            Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
            "timestamp outside tolerance of 300s");
      }
      rejected(
          () ->
              verifier.verify(
                  signed(SIGNATURE).set("webhook-timestamp", "99999999999999999999"),
                  Buffer.buffer(BODY),
                  AT),
          Reason.MALFORMED_HEADER,
          "malformed header webhook-timestamp: must be Unix seconds");
    }

    @Test
    void should_name_each_missing_or_malformed_header() {
      for (String header : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
        MultiMap headers = signed(SIGNATURE);
        headers.remove(header);
        rejected(
            () -> verifier.verify(headers, Buffer.buffer(BODY), AT),
            Reason.MISSING_HEADER,
            "missing header " + header);
      }
      rejected(
          () ->
              verifier.verify(
                  signed(SIGNATURE).set("webhook-timestamp", "yesterday"), Buffer.buffer(BODY), AT),
          Reason.MALFORMED_HEADER,
          "malformed header webhook-timestamp: must be Unix seconds");
      rejected(
          () -> verifier.verify(signed("v2,abc"), Buffer.buffer(BODY), AT),
          Reason.MALFORMED_HEADER,
          "malformed header webhook-signature: no v1 signature");
    }

    @Test
    void should_accept_either_secret_while_rotating() {
      StandardWebhooksVerifier rotating =
          new StandardWebhooksVerifier(
              List.of("whsec_QUFBQUFBQUFBQUFBQUFBQQ==", SECRET), Duration.ofMinutes(5));
      assertThatCode(() -> rotating.verify(signed(SIGNATURE), Buffer.buffer(BODY), AT))
          .doesNotThrowAnyException();
    }

    @Test
    void should_refuse_a_secret_that_is_not_base64_without_echoing_it() {
      assertThatThrownBy(
              () -> new StandardWebhooksVerifier(List.of("whsec_not*base64"), Duration.ZERO))
          .hasMessage("must be whsec_ followed by base64");
    }
  }

  @Nested
  class Stripe {
    static final String SECRET = "whsec_test_secret_for_stripe";
    static final String BODY = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\"}";
    final long t = NOW.getEpochSecond();
    final StripeVerifier verifier = new StripeVerifier(List.of(SECRET), Duration.ofMinutes(5));

    @Test
    void should_accept_a_signature_made_as_stripe_documents_it() {
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("Stripe-Signature", Signing.stripe(t, BODY, SECRET)),
                      Buffer.buffer(BODY),
                      NOW))
          .doesNotThrowAnyException();
    }

    @Test
    void should_accept_one_matching_v1_among_several_and_ignore_v0() {
      String header =
          "t="
              + t
              + ",v1="
              + Signing.hex("other", t + "." + BODY)
              + ",v0=abc"
              + Signing.stripe(t, BODY, SECRET).substring(("t=" + t).length());
      assertThatCode(
              () -> verifier.verify(headers("Stripe-Signature", header), Buffer.buffer(BODY), NOW))
          .doesNotThrowAnyException();
    }

    @Test
    void should_reject_a_wrong_secret_a_tampered_body_and_a_stale_timestamp() {
      rejected(
          () ->
              verifier.verify(
                  headers("Stripe-Signature", Signing.stripe(t, BODY, "whsec_wrong")),
                  Buffer.buffer(BODY),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () ->
              verifier.verify(
                  headers("Stripe-Signature", Signing.stripe(t, BODY, SECRET)),
                  Buffer.buffer(BODY.replace("paid", "void")),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      long stale = t - 301;
      rejected(
          () ->
              verifier.verify(
                  headers("Stripe-Signature", Signing.stripe(stale, BODY, SECRET)),
                  Buffer.buffer(BODY),
                  NOW),
          Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
          "timestamp outside tolerance of 300s");
    }

    @Test
    void should_reject_extreme_timestamps_as_outside_the_tolerance_even_when_signed() {
      long now = NOW.getEpochSecond();
      for (long timestamp : new long[] {now + Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE}) {
        rejected(
            () ->
                verifier.verify(
                    headers("Stripe-Signature", Signing.stripe(timestamp, BODY, SECRET)),
                    Buffer.buffer(BODY),
                    NOW),
            Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
            "timestamp outside tolerance of 300s");
      }
    }

    @Test
    void should_reject_a_missing_or_malformed_header() {
      rejected(
          () -> verifier.verify(headers(), Buffer.buffer(BODY), NOW),
          Reason.MISSING_HEADER,
          "missing header stripe-signature");
      rejected(
          () -> verifier.verify(headers("Stripe-Signature", "v1=abc"), Buffer.buffer(BODY), NOW),
          Reason.MALFORMED_HEADER,
          "malformed header stripe-signature: no t= timestamp");
      rejected(
          () -> verifier.verify(headers("Stripe-Signature", "t=" + t), Buffer.buffer(BODY), NOW),
          Reason.MALFORMED_HEADER,
          "malformed header stripe-signature: no v1= signature");
    }

    @Test
    void should_accept_either_secret_while_rotating() {
      StripeVerifier rotating =
          new StripeVerifier(List.of("whsec_next", SECRET), Duration.ofMinutes(5));
      assertThatCode(
              () ->
                  rotating.verify(
                      headers("Stripe-Signature", Signing.stripe(t, BODY, SECRET)),
                      Buffer.buffer(BODY),
                      NOW))
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class Shopify {
    static final String SECRET = "shpss_client_secret";
    static final String BODY = "{\"id\":820982911946154508,\"email\":\"jon@example.com\"}";
    final HmacVerifier verifier = HmacVerifier.shopify(List.of(SECRET));

    @Test
    void should_accept_a_base64_hmac_of_the_body() {
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("X-Shopify-Hmac-Sha256", Signing.shopify(SECRET, BODY)),
                      Buffer.buffer(BODY),
                      NOW))
          .doesNotThrowAnyException();
    }

    @Test
    void should_reject_a_wrong_secret_a_tampered_body_and_a_missing_header() {
      rejected(
          () ->
              verifier.verify(
                  headers("X-Shopify-Hmac-Sha256", Signing.shopify("other", BODY)),
                  Buffer.buffer(BODY),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () ->
              verifier.verify(
                  headers("X-Shopify-Hmac-Sha256", Signing.shopify(SECRET, BODY)),
                  Buffer.buffer(BODY + " "),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
      rejected(
          () -> verifier.verify(headers(), Buffer.buffer(BODY), NOW),
          Reason.MISSING_HEADER,
          "missing header x-shopify-hmac-sha256");
    }
  }

  @Nested
  class GenericHmacAndApiKey {
    @Test
    void should_verify_a_configured_header_encoding_and_prefix() {
      HmacVerifier verifier =
          new HmacVerifier("X-Signature", HmacVerifier.Encoding.BASE64, "hmac ", List.of("s3"));
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("x-signature", "hmac " + Signing.base64("s3", "{}")),
                      Buffer.buffer("{}"),
                      NOW))
          .doesNotThrowAnyException();
      rejected(
          () ->
              verifier.verify(
                  headers("x-signature", "hmac " + Signing.base64("s3", "{}")),
                  Buffer.buffer("{ }"),
                  NOW),
          Reason.SIGNATURE_MISMATCH,
          "signature mismatch");
    }

    @Test
    void should_accept_any_configured_key_and_nothing_else() {
      ApiKeyVerifier verifier =
          new ApiKeyVerifier("Authorization", "Bearer ", List.of("key-old", "key-new"));
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("Authorization", "Bearer key-new"), Buffer.buffer("{}"), NOW))
          .doesNotThrowAnyException();
      assertThatCode(
              () ->
                  verifier.verify(
                      headers("Authorization", "Bearer key-old"), Buffer.buffer("{}"), NOW))
          .doesNotThrowAnyException();
      rejected(
          () -> verifier.verify(headers("Authorization", "Bearer key-x"), Buffer.buffer("{}"), NOW),
          Reason.KEY_MISMATCH,
          "api key mismatch");
      rejected(
          () -> verifier.verify(headers("Authorization", "key-new"), Buffer.buffer("{}"), NOW),
          Reason.MALFORMED_HEADER,
          "malformed header authorization: must start with Bearer");
      rejected(
          () -> verifier.verify(headers(), Buffer.buffer("{}"), NOW),
          Reason.MISSING_HEADER,
          "missing header authorization");
    }

    @Test
    void should_never_show_a_secret_in_its_description() {
      assertThat(HmacVerifier.github(List.of("topsecret")).toString()).doesNotContain("topsecret");
      assertThat(new ApiKeyVerifier("x-api-key", "", List.of("topsecret")).toString())
          .doesNotContain("topsecret");
      assertThat(new StripeVerifier(List.of("topsecret"), Duration.ofMinutes(5)).toString())
          .doesNotContain("topsecret");
    }
  }
}
