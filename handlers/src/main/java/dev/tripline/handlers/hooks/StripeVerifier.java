package dev.tripline.handlers.hooks;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe: {@code Stripe-Signature: t=<Unix seconds>,v1=<hex>[,v1=<hex>...]}, each {@code v1} an
 * HMAC-SHA256 of {@code "<t>.<body>"} keyed with the endpoint's signing secret ({@code whsec_...},
 * used as its UTF-8 bytes). {@code t} must lie within the tolerance of the gateway's clock, either
 * way; one matching {@code v1} is enough, other schemes ({@code v0}) are ignored as Stripe's
 * libraries ignore them.
 */
public final class StripeVerifier implements WebhookVerifier {

  static final String HEADER = "stripe-signature";

  /** The tolerance Stripe's libraries default to. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final byte[] DOT = {'.'};

  private final List<SecretKeySpec> keys;
  private final Duration tolerance;

  public StripeVerifier(List<String> secrets, Duration tolerance) {
    this.keys = Hmacs.utf8Keys(secrets);
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
  }

  @Override
  public void verify(MultiMap headers, Buffer body, Instant now) {
    String value = headers.get(HEADER);
    if (value == null || value.isBlank()) {
      throw VerificationException.missingHeader(HEADER);
    }
    String timestamp = null;
    List<byte[]> candidates = new ArrayList<>();
    boolean anyV1 = false;
    for (String item : value.split(",")) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = item.substring(0, eq).trim();
      String itemValue = item.substring(eq + 1).trim();
      if (key.equals("t")) {
        timestamp = itemValue;
      } else if (key.equals("v1")) {
        anyV1 = true;
        try {
          candidates.add(HexFormat.of().parseHex(itemValue));
        } catch (IllegalArgumentException e) {
          // not hex: cannot match; other entries may
        }
      }
    }
    if (timestamp == null) {
      throw VerificationException.malformedHeader(HEADER, "no t= timestamp");
    }
    if (!anyV1) {
      throw VerificationException.malformedHeader(HEADER, "no v1= signature");
    }
    Hmacs.requireFresh(HEADER, timestamp, now, tolerance);
    List<byte[]> expected = Hmacs.signAll(keys, Hmacs.utf8(timestamp), DOT, body.getBytes());
    if (!Hmacs.anyMatch(expected, candidates)) {
      throw VerificationException.mismatch(HEADER);
    }
  }

  @Override
  public String toString() {
    return "StripeVerifier[tolerance=" + tolerance + "]";
  }
}
