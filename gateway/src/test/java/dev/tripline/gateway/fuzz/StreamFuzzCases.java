package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzDraft.quoted;
import static dev.tripline.gateway.fuzz.FuzzDraft.utf8;
import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;
import static dev.tripline.gateway.fuzz.FuzzExpect.VALID;

import dev.tripline.gateway.fuzz.FuzzTemplate.Kind;
import dev.tripline.gateway.fuzz.RawWebSocket.Frame;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Answer;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Message;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generates the {@code /v1/stream} fuzz cases: the JSON mutations of the HTTP routes sent as text
 * frames (whole, fragmented, or as binary frames), {@code seq} values, frames at and over the size
 * limit, invalid UTF-8 (which RFC 6455 answers with a 1007 close), and fixed scenarios for
 * authentication and protocol errors.
 */
final class StreamFuzzCases {

  private final Random random;
  private final FuzzMutations mutations;
  private final HttpFuzzCases http;
  private final List<Consumer<FuzzDraft>> table = new ArrayList<>();

  /** How the frames of the case being made are sent: text, fragmented or binary. */
  private String framing;

  private Object seq;

  StreamFuzzCases(Random random) {
    this.random = random;
    this.mutations = new FuzzMutations(random);
    this.http = new HttpFuzzCases(random);
    add(10, "valid", d -> d.note("valid", VALID));
    add(7, "drop", mutations::dropField);
    add(4, "duplicate-key", mutations::duplicateKey);
    add(8, "retype", mutations::retype);
    add(5, "unknown-field", mutations::unknownField);
    add(8, "control-chars", mutations::controlCharacters);
    add(10, "number", mutations::extremeNumber);
    add(13, "time", mutations::extremeTime);
    add(8, "utf8", mutations::utf8Bytes);
    add(7, "malformed", mutations::malformed);
    add(4, "nesting", mutations::nesting);
    add(4, "duplicate-id", http::duplicateIds);
    add(2, "no-id", http::withoutId);
    add(4, "source", http::foreignSource);
    add(4, "seq", this::seq);
    add(3, "binary-frame", d -> framing = "binary");
    add(5, "fragmented", d -> framing = "fragmented");
    add(2, "size", this::size);
  }

  private void add(int weight, String category, Consumer<FuzzDraft> mutation) {
    for (int i = 0; i < weight; i++) {
      table.add(HttpFuzzCases.mutation(category, mutation));
    }
  }

  List<StreamFuzzCase> generate(int first, int count) {
    List<StreamFuzzCase> cases = new ArrayList<>(count);
    for (int index = first; index < first + count; index++) {
      boolean batch = random.nextInt(10) < 3;
      FuzzTemplate t = FuzzTemplate.create(batch ? Kind.EVENTS_BATCH : Kind.STREAM, index, random);
      t.route = batch ? "WS /v1/stream (batch)" : "WS /v1/stream";
      ((JsonObject) t.root).put("seq", index);
      framing = "text";
      seq = index;
      FuzzDraft d = new FuzzDraft(t);
      table.get(random.nextInt(table.size())).accept(d);
      cases.add(build(index, d));
    }
    return cases;
  }

  private StreamFuzzCase build(int index, FuzzDraft d) {
    byte[] bytes = d.body();
    Answer answer =
        switch (d.expect) {
          case VALID -> Answer.ACK;
          case INVALID -> Answer.ERROR;
          case EITHER -> Answer.ACK_OR_ERROR;
        };
    Object echoed = d.expect == VALID ? seq : null;
    String input = d.input();
    List<Frame> frames;
    if (framing.equals("binary")) {
      frames = List.of(new Frame(RawWebSocket.BINARY, true, 0, bytes, true));
      answer = Answer.ERROR;
      echoed = null;
      input += ", as a binary frame";
    } else if (framing.equals("fragmented")) {
      frames = fragments(bytes, 2 + random.nextInt(4));
      input += ", in " + frames.size() + " fragments";
    } else {
      frames = List.of(Frame.text(bytes));
    }
    Integer close = null;
    if (bytes.length > HttpFuzzCases.MAX_BODY) {
      close = 1009;
    } else if (!framing.equals("binary") && !validUtf8(bytes)) {
      close = 1007;
      input += " (invalid UTF-8 in a text message)";
    }
    if (close != null) {
      answer = Answer.NONE;
    }
    return new StreamFuzzCase(
        index,
        d.category,
        input,
        close != null,
        true,
        false,
        List.of(new Message(frames, answer, echoed, null)),
        close,
        List.copyOf(d.fresh),
        d.duplicates,
        d.untraced,
        d.probeId(),
        d.probe);
  }

  /** The message split into {@code parts} frames: a text frame and continuations. */
  static List<Frame> fragments(byte[] bytes, int parts) {
    List<Frame> frames = new ArrayList<>();
    int size = Math.max(1, (bytes.length + parts - 1) / parts);
    for (int from = 0; ; from += size) {
      int to = Math.min(bytes.length, from + size);
      int opcode = frames.isEmpty() ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION;
      frames.add(
          new Frame(opcode, to == bytes.length, 0, Arrays.copyOfRange(bytes, from, to), true));
      if (to == bytes.length) {
        return frames;
      }
    }
  }

  private void seq(FuzzDraft d) {
    List<Map.Entry<String, FuzzExpect>> values =
        List.of(
            Map.entry(io.vertx.core.json.Json.encode("s".repeat(200)), INVALID),
            Map.entry("{}", INVALID),
            Map.entry("[1]", INVALID),
            Map.entry("true", INVALID),
            Map.entry("null", VALID),
            Map.entry("-1", VALID),
            Map.entry("1.5", VALID),
            Map.entry("\"\\u0000\"", VALID),
            Map.entry("1e309", EITHER),
            Map.entry("18446744073709551616", EITHER));
    Map.Entry<String, FuzzExpect> value = pick(values);
    ((JsonObject) d.t.root).put("seq", FuzzJson.slot("seq"));
    d.splices.put("seq", utf8(value.getKey()));
    seq =
        switch (value.getKey()) {
          case "null" -> StreamAnswers.NO_SEQ;
          case "-1" -> -1;
          case "1.5" -> 1.5;
          case "\"\\u0000\"" -> "\u0000";
          default -> null;
        };
    d.note("seq = " + FuzzJson.snippet(utf8(value.getKey()), 40), value.getValue());
  }

  private void size(FuzzDraft d) {
    int target = HttpFuzzCases.MAX_BODY + (random.nextBoolean() ? 0 : 1);
    d.probe(quoted(new byte[0]), "");
    String pad = "p".repeat(Math.max(0, target - d.body().length));
    d.probe(quoted(utf8(pad)), pad);
    d.note(
        "message of " + d.body().length + " bytes (limit " + HttpFuzzCases.MAX_BODY + ")", VALID);
  }

  static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
