package dev.tripline.handlers;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reassembles the data frames of one {@link StreamHandler} WebSocket into messages, and closes the
 * socket as RFC 6455 asks when a message cannot be taken: {@value #MESSAGE_TOO_BIG} (message too
 * big) once its frames add up to more than {@code ingest.max-body-size}, {@value #INVALID_PAYLOAD}
 * (invalid frame payload data) as soon as a text message is not UTF-8 (§8.1).
 *
 * <p>In place of Vert.x's own aggregation, which drops an oversize fragmented message without a
 * word and decodes invalid UTF-8 into replacement characters. Text is decoded frame by frame, so a
 * message is never held more than once nor beyond the limit, and a character split across frames is
 * decoded whole; a binary message is only counted, never held, as the stream refuses it anyway. The
 * server's frame limit ({@link IngestLimits#applyTo}) refuses a single frame over the limit before
 * its payload is read; {@link #onDecoderFailure} turns that refusal into its close status. Confined
 * to the socket's context.
 */
final class FrameAssembler implements Handler<WebSocketFrame> {

  /** RFC 6455 §7.4.1: a message too big to process. */
  static final short MESSAGE_TOO_BIG = 1009;

  /** RFC 6455 §7.4.1: data inconsistent with the message's type, such as non-UTF-8 text. */
  static final short INVALID_PAYLOAD = 1007;

  private final int maxBytes;
  private final StreamSocket socket;
  private final IngestObserver observer;
  private final Consumer<String> texts;
  private final Runnable binaries;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** The bytes of the message being assembled so far. */
  private long size;

  private boolean inMessage;
  private boolean binary;

  /** The text decoded so far, when a text message spans frames. */
  private StringBuilder text;

  /** The start of a character the previous frame cut off (at most 3 bytes). */
  private ByteBuffer carry;

  private boolean failed;

  /**
   * @param maxBytes the largest message, in bytes
   * @param texts takes each complete text message
   * @param binaries told of each complete binary message
   */
  FrameAssembler(
      int maxBytes,
      StreamSocket socket,
      IngestObserver observer,
      Consumer<String> texts,
      Runnable binaries) {
    this.maxBytes = maxBytes;
    this.socket = socket;
    this.observer = observer;
    this.texts = texts;
    this.binaries = binaries;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (failed) {
      return; // closing: the rest of the message, and anything after it, is not read
    }
    switch (frame.type()) {
      case TEXT -> start(false);
      case BINARY -> start(true);
      case CONTINUATION -> {
        if (!inMessage) {
          return; // the decoder refuses a continuation outside a message (1002) before this
        }
      }
      default -> {
        return; // ping, pong and close are answered by Vert.x
      }
    }
    byte[] payload = frame.binaryData().getBytes();
    size += payload.length;
    if (size > maxBytes) {
      fail(RejectReason.TOO_LARGE, MESSAGE_TOO_BIG, tooBig(maxBytes));
      return;
    }
    if (!binary && !decode(payload, frame.isFinal())) {
      fail(RejectReason.MALFORMED_JSON, INVALID_PAYLOAD, "text message is not valid UTF-8");
      return;
    }
    if (frame.isFinal()) {
      finish();
    }
  }

  /**
   * A frame the WebSocket decoder refused before it became a frame (one over the frame limit, a
   * protocol error): closes with the status the decoder names, as it does not close itself.
   *
   * @return whether {@code failure} was such a refusal
   */
  boolean onDecoderFailure(Throwable failure) {
    if (failed || !(failure instanceof CorruptedWebSocketFrameException corrupted)) {
      return false;
    }
    WebSocketCloseStatus status = corrupted.closeStatus();
    if (status.code() == MESSAGE_TOO_BIG) {
      fail(RejectReason.TOO_LARGE, MESSAGE_TOO_BIG, tooBig(maxBytes));
    } else {
      failed = true;
      socket.close((short) status.code(), status.reasonText());
    }
    return true;
  }

  /**
   * Whether a WebSocket's error reports a message over the server's limit: a frame the decoder
   * refused as too big, or Vert.x's own aggregation of fragments (used by the SockJS transports)
   * overflowing, which it reports as an {@link IllegalStateException}.
   */
  static boolean isTooBig(Throwable failure) {
    return failure instanceof IllegalStateException
        || (failure instanceof CorruptedWebSocketFrameException corrupted
            && corrupted.closeStatus().code() == MESSAGE_TOO_BIG);
  }

  /** The close reason of a message over the limit; at most 123 bytes, as a close reason must be. */
  static String tooBig(int maxBytes) {
    return "message larger than " + maxBytes + " bytes";
  }

  private void start(boolean binaryMessage) {
    inMessage = true;
    binary = binaryMessage;
    size = 0;
    text = null;
    carry = null;
    utf8.reset();
  }

  /** Decodes one frame of text; {@code false} at the first byte that is not UTF-8. */
  private boolean decode(byte[] payload, boolean last) {
    ByteBuffer in;
    if (carry == null) {
      in = ByteBuffer.wrap(payload);
    } else {
      in = ByteBuffer.allocate(carry.remaining() + payload.length).put(carry).put(payload).flip();
      carry = null;
    }
    CharBuffer out = CharBuffer.allocate(in.remaining());
    CoderResult result = utf8.decode(in, out, last);
    if (result.isError() || (last && utf8.flush(out).isError())) {
      return false;
    }
    if (in.hasRemaining()) {
      carry = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
    out.flip();
    if (text == null) {
      text = new StringBuilder(out.remaining());
    }
    text.append(out);
    return true;
  }

  private void finish() {
    inMessage = false;
    if (binary) {
      binaries.run();
      return;
    }
    String message = text.toString();
    text = null;
    texts.accept(message);
  }

  private void fail(RejectReason reason, short status, String closeReason) {
    failed = true;
    text = null;
    carry = null;
    observer.rejected(reason.tag());
    socket.close(status, closeReason);
  }
}
