package dev.tripline.gateway.fuzz;

import java.util.List;

/**
 * One fuzzed use of {@code /v1/stream}: messages sent one after the other, each awaiting its
 * answer, and how the socket must end.
 *
 * @param dedicated runs on a socket of its own (it closes it, or needs a fresh session)
 * @param keyAtUpgrade the upgrade carries the write key (else the socket starts unauthenticated)
 * @param pipelined send every message at once instead of one after the other's answer
 * @param close the close code the server must end with, or null when the socket must stay open
 * @param fresh the stored ids the case creates when acknowledged
 */
record StreamFuzzCase(
    int index,
    String category,
    String input,
    boolean dedicated,
    boolean keyAtUpgrade,
    boolean pipelined,
    List<Message> messages,
    Integer close,
    List<String> fresh,
    int duplicates,
    int untraced,
    String probeId,
    Object probe) {

  /** What a message must be answered with. */
  enum Answer {
    ACK,
    ERROR,
    ACK_OR_ERROR,
    AUTHENTICATED,
    NONE
  }

  /**
   * The frames of one message, its expected answer, the {@code seq} the answer must echo (null: not
   * checked), and the id it stores (null: the case's {@code fresh} ids).
   */
  record Message(List<RawWebSocket.Frame> frames, Answer answer, Object seq, String id) {}

  String describe() {
    byte[] first =
        messages.isEmpty() || messages.get(0).frames().isEmpty()
            ? new byte[0]
            : messages.get(0).frames().get(0).payload();
    return "case #"
        + index
        + " WS /v1/stream ["
        + input
        + "] expected "
        + messages.stream().map(m -> m.answer().name()).toList()
        + (close == null ? "" : " then close " + close)
        + ", first frame: "
        + FuzzJson.snippet(first, 160);
  }
}
