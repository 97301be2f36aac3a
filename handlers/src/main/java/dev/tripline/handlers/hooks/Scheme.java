package dev.tripline.handlers.hooks;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verification schemes a configured webhook source can use, each with the {@code map} fields it
 * fills when the source's own {@code map} does not: where the provider puts the event type, its
 * time, and the delivery id that stays the same across the provider's retries (so a retried
 * delivery is stored once).
 */
public enum Scheme {
  STANDARD_WEBHOOKS(
      Map.of(
          "id", "headers['webhook-id']",
          "type", "body.type",
          "timestamp", "body.timestamp")),
  GITHUB(Map.of("id", "headers['x-github-delivery']", "type", "headers['x-github-event']")),
  STRIPE(Map.of("id", "body.id", "type", "body.type", "timestamp", "body.created")),
  SHOPIFY(
      Map.of(
          "id", "headers['x-shopify-webhook-id']",
          "type", "headers['x-shopify-topic']",
          "timestamp", "headers['x-shopify-triggered-at']")),
  HMAC(Map.of()),
  API_KEY(Map.of());

  private final Map<String, String> defaults;

  Scheme(Map<String, String> defaults) {
    this.defaults = defaults;
  }

  /** The configuration name, e.g. {@code standard-webhooks}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The scheme with a configuration name, if any. */
  public static Optional<Scheme> byWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
  }

  /** The {@code map} fields this scheme fills by default, as expressions. */
  public Map<String, String> defaultMap() {
    return defaults;
  }
}
