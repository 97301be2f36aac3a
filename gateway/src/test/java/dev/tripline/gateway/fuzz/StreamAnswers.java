package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.FuzzClaim.Outcome;
import dev.tripline.gateway.fuzz.FuzzFailures.Kind;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Answer;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Judges stream answers: each is a JSON object of the expected type (ack, error, authenticated)
 * echoing the message's {@code seq}; an ack carries its counts and an error a string {@code error}.
 * Also what an answer claims about the store, and the failure group of a case.
 */
final class StreamAnswers {

  /** The expected {@code seq} of an answer that must carry none. */
  static final Object NO_SEQ = "<no seq>";

  private final FuzzFailures failures;

  StreamAnswers(FuzzFailures failures) {
    this.failures = failures;
  }

  /** Checks one answer against the message's expectation; the answer, or null if not JSON. */
  JsonObject judge(StreamFuzzCase c, Message m, String text) {
    String detail = c.describe() + " -> " + FuzzJson.snippet(FuzzDraft.utf8(text), 200);
    JsonObject answer = HttpFuzzRun.json(FuzzDraft.utf8(text));
    if (answer == null) {
      failures.add(Kind.STREAM_WRONG_ANSWER, group(c), detail + " (not a JSON object)");
      return null;
    }
    Object type = answer.getValue("type");
    if (m.seq() != null && !sameSeq(m.seq(), answer)) {
      failures.add(Kind.STREAM_WRONG_ANSWER, group(c), detail + " (expected seq " + m.seq() + ")");
    }
    if ("error".equals(type) && !(answer.getValue("error") instanceof String)) {
      failures.add(
          Kind.STREAM_WRONG_ANSWER, group(c), detail + " (error frame without a string error)");
    }
    if ("ack".equals(type)
        && !(answer.getValue("accepted") instanceof Number
            && answer.getValue("duplicates") instanceof Number)) {
      failures.add(
          Kind.STREAM_WRONG_ANSWER, group(c), detail + " (ack without accepted/duplicates)");
    }
    switch (m.answer()) {
      case ACK -> {
        if ("error".equals(type)) {
          failures.add(Kind.REFUSED_VALID, group(c), detail);
        } else if (!"ack".equals(type)) {
          failures.add(Kind.STREAM_WRONG_ANSWER, group(c), detail + " (expected an ack)");
        }
      }
      case ERROR -> {
        if ("ack".equals(type)) {
          failures.add(Kind.ACCEPTED_INVALID, group(c), detail);
        } else if (!"error".equals(type)) {
          failures.add(Kind.STREAM_WRONG_ANSWER, group(c), detail + " (expected an error)");
        }
      }
      case ACK_OR_ERROR -> {
        if (!"ack".equals(type) && !"error".equals(type)) {
          failures.add(
              Kind.STREAM_WRONG_ANSWER, group(c), detail + " (expected an ack or an error)");
        }
      }
      case AUTHENTICATED -> {
        if (!"authenticated".equals(type)) {
          failures.add(Kind.STREAM_WRONG_ANSWER, group(c), detail + " (expected authenticated)");
        }
      }
      case NONE -> {}
    }
    return answer;
  }

  /**
   * The expected code; for a protocol error (1002) also a connection dropped without a close frame
   * (1006), which RFC 6455 allows when failing the connection.
   */
  static boolean expectedClose(StreamFuzzCase c, int code) {
    return code == c.close() || (c.close() == 1002 && code == RawWebSocket.NO_CLOSE_FRAME);
  }

  static boolean sameSeq(Object expected, JsonObject answer) {
    if (expected == NO_SEQ) {
      return !answer.containsKey("seq");
    }
    Object actual = answer.getValue("seq");
    if (expected instanceof Number e && actual instanceof Number a) {
      return e.doubleValue() == a.doubleValue();
    }
    return expected.equals(actual);
  }

  static Outcome outcomeOf(JsonObject answer) {
    if (answer == null) {
      return Outcome.UNKNOWN;
    }
    Object type = answer.getValue("type");
    return "ack".equals(type)
        ? Outcome.ACKNOWLEDGED
        : "error".equals(type) ? Outcome.REFUSED : Outcome.UNKNOWN;
  }

  static FuzzClaim claim(StreamFuzzCase c, Message m, Outcome outcome, JsonObject answer) {
    List<String> fresh =
        m.id() != null ? List.of(m.id()) : c.category().equals("scenario") ? List.of() : c.fresh();
    boolean own = m.id() == null && !c.category().equals("scenario");
    int accepted = -1;
    int duplicates = -1;
    if (outcome == Outcome.ACKNOWLEDGED
        && answer.getValue("accepted") instanceof Number a
        && answer.getValue("duplicates") instanceof Number d) {
      accepted = a.intValue();
      duplicates = d.intValue();
    }
    if (outcome == Outcome.UNKNOWN
        && answer != null
        && "authenticated".equals(answer.getValue("type"))) {
      fresh = List.of();
    }
    return new FuzzClaim(
        group(c),
        c.describe(),
        outcome,
        accepted,
        duplicates,
        fresh,
        own ? c.duplicates() : 0,
        own || m.answer() == Answer.NONE ? c.untraced() : 0,
        own ? c.probeId() : null,
        own ? c.probe() : FuzzDraft.NO_PROBE);
  }

  static String group(StreamFuzzCase c) {
    boolean named = c.category().equals("scenario") || c.category().equals("upgrade");
    return "WS /v1/stream / " + c.category() + (named ? ": " + c.input() : "");
  }
}
