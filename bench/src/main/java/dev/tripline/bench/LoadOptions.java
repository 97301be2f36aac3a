package dev.tripline.bench;

import java.time.Duration;
import java.util.Set;

/**
 * One load run.
 *
 * @param mode {@code post} (one event per request), {@code batch} ({@code batchSize} events per
 *     request) or {@code ws} (WebSocket frames of {@code batchSize} events)
 * @param host the server's address (loopback)
 * @param port the server's port
 * @param threads event loops of the generator
 * @param connections TCP connections (for {@code post}/{@code batch} also the requests in flight)
 * @param inFlight frames in flight per WebSocket connection (ignored for HTTP)
 * @param batchSize events per request or frame
 * @param warmup load offered but not counted
 * @param duration the measured period
 * @param backoff the wait before re-sending a request refused with 503
 * @param timeout the longest a request or frame may wait for its answer
 */
record LoadOptions(
    String mode,
    String host,
    int port,
    int threads,
    int connections,
    int inFlight,
    int batchSize,
    Duration warmup,
    Duration duration,
    Duration backoff,
    Duration timeout) {

  static final Set<String> OPTIONS =
      Set.of(
          "mode",
          "host",
          "port",
          "threads",
          "connections",
          "in-flight",
          "batch",
          "warmup",
          "duration",
          "backoff",
          "timeout");

  LoadOptions {
    if (!Set.of("post", "batch", "ws").contains(mode)) {
      throw new IllegalArgumentException(
          "--mode: must be one of post, batch, ws, was \"" + mode + "\"");
    }
    if (mode.equals("post") && batchSize != 1) {
      throw new IllegalArgumentException(
          "--batch: must be 1 in mode post (use mode batch), was " + batchSize);
    }
  }

  static LoadOptions from(Args args) {
    args.rejectUnknown(OPTIONS);
    String mode = args.string("mode", "post");
    return new LoadOptions(
        mode,
        args.string("host", "127.0.0.1"),
        args.integer("port", 0, 1),
        args.integer("threads", 2, 1),
        args.integer("connections", 64, 1),
        args.integer("in-flight", 8, 1),
        args.integer("batch", mode.equals("batch") ? 100 : 1, 1),
        args.duration("warmup", "5s"),
        args.duration("duration", "15s"),
        args.duration("backoff", "10ms"),
        args.duration("timeout", "10s"));
  }
}
