package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first bytes of a receiver's answer for the attempt history and drops the rest, so that
 * a receiver answering with megabytes costs no memory. Used as {@code BodyCodec.pipe(snippet)}.
 */
final class ResponseSnippet implements WriteStream<Buffer> {

  /** Bytes kept: enough for the characters of {@link AttemptRecord#MAX_RESPONSE_CHARS}. */
  static final int MAX_BYTES = AttemptRecord.MAX_RESPONSE_CHARS * 4;

  private final Buffer kept = Buffer.buffer();

  /** What arrived so far, decoded as UTF-8 and cut to the history's length; null when empty. */
  synchronized String text() {
    if (kept.length() == 0) {
      return null;
    }
    String text = new String(kept.getBytes(), StandardCharsets.UTF_8);
    return text.length() > AttemptRecord.MAX_RESPONSE_CHARS
        ? text.substring(0, AttemptRecord.MAX_RESPONSE_CHARS)
        : text;
  }

  @Override
  public synchronized Future<Void> write(Buffer data) {
    int room = MAX_BYTES - kept.length();
    if (room > 0) {
      kept.appendBuffer(data, 0, Math.min(room, data.length()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
