package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzDraft.utf8;

import dev.tripline.gateway.fuzz.RawWebSocket.Frame;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Answer;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fixed {@code /v1/stream} scenarios, each on a socket of its own: authentication in the first
 * frame and its failures, pipelined frames beyond {@code ingest.max-frames-in-flight}, messages
 * over the size limit (1009), invalid UTF-8 (1007) and protocol errors (1002).
 */
final class StreamScenarios {

  private StreamScenarios() {}

  /** Fixed scenarios, each on a socket of its own. */
  static List<StreamFuzzCase> scenarios(int first) {
    List<StreamFuzzCase> cases = new ArrayList<>();
    String key = FuzzTemplate.KEY;
    int n = first;
    cases.add(
        scenario(
            n,
            "unauthenticated socket sends 3 events",
            false,
            false,
            List.of(
                event(n, 0, Answer.ERROR), event(n, 1, Answer.ERROR), event(n, 2, Answer.ERROR)),
            1008,
            List.of()));
    n++;
    cases.add(
        scenario(
            n,
            "auth frame first, then an event",
            false,
            false,
            List.of(auth(key, Answer.AUTHENTICATED), event(n, 0, Answer.ACK)),
            null,
            List.of(FuzzTemplate.id(n, 0))));
    n++;
    cases.add(
        scenario(
            n,
            "wrong auth frame, right one, then an event",
            false,
            false,
            List.of(
                auth("wk_wrong", Answer.ERROR),
                auth(key, Answer.AUTHENTICATED),
                event(n, 0, Answer.ACK)),
            null,
            List.of(FuzzTemplate.id(n, 0))));
    n++;
    cases.add(
        scenario(
            n,
            "keyed socket sends a wrong auth frame, then an event",
            true,
            false,
            List.of(auth("wk_wrong", Answer.ERROR), event(n, 0, Answer.ACK)),
            null,
            List.of(FuzzTemplate.id(n, 0))));
    n++;
    List<Message> pipelined = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 24; k++) {
      pipelined.add(event(n, k, Answer.ACK));
      ids.add(FuzzTemplate.id(n, k));
    }
    cases.add(
        scenario(
            n++,
            "24 events pipelined (more than max-frames-in-flight)",
            true,
            true,
            pipelined,
            null,
            ids));
    byte[] over = padded(HttpFuzzCases.MAX_BODY + 1);
    cases.add(single(n++, "text message of 65537 bytes", List.of(Frame.text(over)), 1009));
    cases.add(single(n++, "text message of 1 MiB", List.of(Frame.text(padded(1024 * 1024))), 1009));
    cases.add(single(n++, "65537 bytes in 3 fragments", StreamFuzzCases.fragments(over, 3), 1009));
    for (UglyValues.Utf8 bad : UglyValues.UTF8.subList(0, 6)) {
      byte[] frame =
          FuzzMutations.concat(
              utf8("{\"type\":\"fz\",\"properties\":{\"probe\":\""),
              FuzzMutations.concat(bad.bytes(), utf8("\"}}")));
      cases.add(single(n++, "text message with " + bad.name(), List.of(Frame.text(frame)), 1007));
    }
    byte[] euro = utf8("{\"type\":\"fz\",\"properties\":{\"probe\":\"\u20ac\"}}");
    int cut = FuzzJson.indexOf(euro, new byte[] {(byte) 0xe2}) + 1;
    cases.add(
        single(
            n++,
            "invalid UTF-8 across fragments (E2 | 82 41)",
            List.of(
                new Frame(RawWebSocket.TEXT, false, 0, Arrays.copyOf(euro, cut), true),
                new Frame(
                    RawWebSocket.CONTINUATION,
                    true,
                    0,
                    new byte[] {(byte) 0x82, 'A', '"', '}', '}'},
                    true)),
            1007));
    cases.add(
        single(
            n++,
            "message ends inside a multi-byte character",
            List.of(Frame.text(Arrays.copyOf(euro, cut))),
            1007));
    byte[] valid = utf8("{\"type\":\"fz\"}");
    cases.add(
        single(
            n++,
            "unmasked client frame",
            List.of(new Frame(RawWebSocket.TEXT, true, 0, valid, false)),
            1002));
    cases.add(
        single(n++, "reserved opcode 0x3", List.of(new Frame(0x3, true, 0, valid, true)), 1002));
    cases.add(
        single(
            n++,
            "RSV1 bit set without an extension",
            List.of(new Frame(RawWebSocket.TEXT, true, 4, valid, true)),
            1002));
    cases.add(
        single(
            n++,
            "continuation frame without a start",
            List.of(new Frame(RawWebSocket.CONTINUATION, true, 0, valid, true)),
            1002));
    cases.add(
        single(
            n++,
            "ping with a 126-byte payload",
            List.of(new Frame(RawWebSocket.PING, true, 0, new byte[126], true)),
            1002));
    cases.add(
        single(
            n++,
            "fragmented ping",
            List.of(new Frame(RawWebSocket.PING, false, 0, new byte[4], true)),
            1002));
    cases.add(
        single(
            n++,
            "new text frame inside a fragmented message",
            List.of(
                new Frame(RawWebSocket.TEXT, false, 0, utf8("{\"type\":"), true),
                Frame.text(valid)),
            1002));
    return cases;
  }

  private static Message event(int index, int k, Answer answer) {
    String frame =
        new JsonObject()
            .put("seq", k)
            .put("type", "fz.scenario")
            .put("id", FuzzTemplate.id(index, k))
            .encode();
    return new Message(List.of(Frame.text(frame)), answer, k, FuzzTemplate.id(index, k));
  }

  private static Message auth(String key, Answer answer) {
    String frame =
        new JsonObject()
            .put("seq", "auth")
            .put("auth", new JsonObject().put("writeKey", key))
            .encode();
    return new Message(List.of(Frame.text(frame)), answer, "auth", null);
  }

  private static StreamFuzzCase scenario(
      int index,
      String input,
      boolean keyed,
      boolean pipelined,
      List<Message> messages,
      Integer close,
      List<String> fresh) {
    return new StreamFuzzCase(
        index,
        "scenario",
        input,
        true,
        keyed,
        pipelined,
        messages,
        close,
        fresh,
        0,
        0,
        null,
        FuzzDraft.NO_PROBE);
  }

  /** One message that must close the socket; it carries no id (one is made if it is taken). */
  private static StreamFuzzCase single(int index, String input, List<Frame> frames, int close) {
    return new StreamFuzzCase(
        index,
        "scenario",
        input,
        true,
        true,
        false,
        List.of(new Message(frames, Answer.NONE, null, null)),
        close,
        List.of(),
        0,
        1,
        null,
        FuzzDraft.NO_PROBE);
  }

  private static byte[] padded(int size) {
    byte[] head = utf8("{\"type\":\"fz\",\"properties\":{\"probe\":\"");
    byte[] tail = utf8("\"}}");
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) 'p');
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, size - tail.length, tail.length);
    return out;
  }
}
