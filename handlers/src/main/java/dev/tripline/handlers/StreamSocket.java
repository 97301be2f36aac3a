package dev.tripline.handlers;

import io.vertx.core.Future;

/**
 * What a {@link StreamSession} needs of its transport: a raw WebSocket ({@link StreamHandler}) or a
 * SockJS socket ({@link SockJsStream}). Each transport feeds the session's {@code on...} methods.
 */
interface StreamSocket {

  /** Sends one text message. */
  Future<Void> write(String text);

  /** Whether writes are backing up (the client is not reading its answers). */
  boolean writeQueueFull();

  /** Stops reading messages (TCP, or SockJS's own flow control, pushes back on the client). */
  void pause();

  /** Reads messages again. */
  void resume();

  /** Closes the socket with a WebSocket status code. */
  void close(short status, String reason);
}
