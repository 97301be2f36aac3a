package dev.tripline.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic event bodies (~300 bytes of JSON, canonical shape) with varying types, users and
 * properties.
 *
 * <p>Bodies carry no {@code id}, so the gateway generates one and a body sent twice is two events,
 * not a duplicate: every run stores only new events. Bodies come from a pre-built pool so that the
 * load generator spends its share of the two cores on sending, not on building JSON; the bare
 * server and the gateway get the same pool.
 */
final class EventBodies {

  private static final String[] TYPES = {
    "page_view", "click", "scroll_depth", "add_to_cart", "view_product", "login", "signup"
  };
  private static final String[] PAGES = {"/", "/shop", "/shop/shoes", "/cart", "/account", "/blog"};
  private static final String[] AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
  };

  private final List<String> events;

  private EventBodies(List<String> events) {
    this.events = events;
  }

  /** A pool of {@code size} different events, the same for the same seed. */
  static EventBodies pool(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Instant base = Instant.parse("2026-11-21T10:30:00.123Z");
    List<String> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      events.add(event(random, base.plusMillis(i * 37L)).encode());
    }
    return new EventBodies(events);
  }

  /** One canonical event without an id, as an SDK would send it. */
  static JsonObject event(SplittableRandom random, Instant timestamp) {
    String type = TYPES[random.nextInt(TYPES.length)];
    String page = PAGES[random.nextInt(PAGES.length)];
    return new JsonObject()
        .put("type", type)
        .put("source", "web")
        .put("timestamp", timestamp.toString())
        .put("userId", "u" + random.nextInt(1_000_000))
        .put("anonymousId", "a-" + Long.toHexString(random.nextLong()))
        .put(
            "properties",
            new JsonObject()
                .put("sku", "SKU-" + random.nextInt(10_000))
                .put("price", Math.round(random.nextDouble(1, 500) * 100) / 100.0)
                .put("quantity", 1 + random.nextInt(4))
                .put("cartId", "c" + random.nextInt(100_000))
                .put("tags", new JsonArray().add("promo").add(type)))
        .put(
            "context",
            new JsonObject()
                .put("userAgent", AGENTS[random.nextInt(AGENTS.length)])
                .put("page", new JsonObject().put("url", "https://shop.example" + page)));
  }

  int size() {
    return events.size();
  }

  /** The {@code i}-th event's JSON (cycling through the pool). */
  String event(long i) {
    return events.get((int) Math.floorMod(i, (long) events.size()));
  }

  /** A POST body: one event, or {@code {"batch":[...]}} of {@code count} events from {@code i}. */
  Buffer body(long i, int count) {
    if (count == 1) {
      return Buffer.buffer(event(i));
    }
    return Buffer.buffer("{\"batch\":" + array(i, count) + "}");
  }

  /** {@code [e1,e2,...]}: {@code count} events from the {@code i}-th. */
  String array(long i, int count) {
    StringBuilder out = new StringBuilder(count * 320).append('[');
    for (int k = 0; k < count; k++) {
      if (k > 0) {
        out.append(',');
      }
      out.append(event(i + k));
    }
    return out.append(']').toString();
  }
}
