package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzDraft.quoted;
import static dev.tripline.gateway.fuzz.FuzzDraft.utf8;
import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;
import static dev.tripline.gateway.fuzz.FuzzExpect.VALID;

import dev.tripline.gateway.fuzz.FuzzTemplate.Kind;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutations of a request's JSON, shared by the HTTP routes and the stream: fields dropped,
 * duplicated and retyped, unknown fields, control characters, extreme numbers and dates, invalid
 * UTF-8, malformed JSON, nesting around the depth limit, duplicate ids. Each records the verdict a
 * correct gateway must reach; {@link HttpFuzzCases} adds those of the HTTP request around it.
 */
final class FuzzMutations {

  /** The configured {@code ingest.max-json-depth} (the default). */
  static final int MAX_DEPTH = 64;

  private final Random random;

  FuzzMutations(Random random) {
    this.random = random;
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private boolean strict(FuzzDraft d) {
    return d.t.kind == Kind.EVENTS || d.t.kind == Kind.EVENTS_BATCH || d.t.kind == Kind.STREAM;
  }

  private List<String> fields(FuzzDraft d) {
    List<String> fields = new ArrayList<>(d.t.required);
    fields.addAll(d.t.optional);
    return fields;
  }

  void dropField(FuzzDraft d) {
    String field = pick(fields(d));
    d.t.event.remove(field);
    d.note("drop " + d.t.at + field, d.t.required.contains(field) ? INVALID : VALID);
  }

  void duplicateKey(FuzzDraft d) {
    String field = pick(mutable(d));
    Object original = d.t.event.remove(field);
    Object again = random.nextBoolean() ? original : 42;
    d.t.event.put(FuzzJson.slot("dupkey"), again);
    d.splices.put(
        "dupkey",
        utf8(Json.encode(field) + ":" + Json.encode(original) + "," + Json.encode(field)));
    d.note(
        "duplicate key " + d.t.at + field + " (second value " + Json.encode(again) + ")", EITHER);
  }

  private static final List<Object> RETYPES =
      List.of(42, true, "text", 1.5, new JsonArray(), new JsonObject());

  void retype(FuzzDraft d) {
    String field = pick(mutable(d));
    Object before = d.t.event.getValue(field);
    boolean toNull = random.nextInt(5) == 0;
    Object after = toNull ? null : pick(RETYPES);
    if (!toNull && after.getClass() == before.getClass()) {
      after = before instanceof String ? 42 : "text";
    }
    d.t.event.putNull(field);
    if (after != null) {
      d.t.event.put(field, after);
    }
    FuzzExpect verdict;
    if (after == null) {
      verdict = d.t.required.contains(field) ? INVALID : VALID;
    } else {
      verdict = strict(d) ? INVALID : EITHER;
    }
    d.note("retype " + d.t.at + field + " to " + Json.encode(after), verdict);
  }

  void unknownField(FuzzDraft d) {
    switch (d.t.kind) {
      case EVENTS, EVENTS_BATCH, STREAM -> {
        if (d.t.kind == Kind.EVENTS_BATCH && random.nextInt(3) == 0) {
          ((JsonObject) d.t.root).put("sentAt", FuzzTemplate.TIME);
          d.note("unknown field sentAt next to batch", INVALID);
        } else {
          String name = random.nextBoolean() ? "userid" : "extra";
          d.t.event.put(name, "x");
          d.note("unknown field " + d.t.at + name, INVALID);
        }
      }
      case CE_STRUCTURED, CE_BATCH -> {
        int which = random.nextInt(4);
        switch (which) {
          case 0 -> d.t.event.put("fzext", "v");
          case 1 -> d.t.event.put("Bad_Name", "v");
          case 2 -> d.t.event.put("fzext", new JsonObject().put("a", 1));
          default -> d.t.event.put("fzext", 3_000_000_000L);
        }
        d.note(
            "extension attribute "
                + List.of("fzext=\"v\"", "Bad_Name", "fzext={}", "fzext=3e9").get(which),
            which == 0 ? VALID : INVALID);
      }
      default -> {
        d.t
            .event
            .put("integrations", new JsonObject().put("All", false))
            .put("extra", new JsonArray().add(1));
        d.note("unknown fields integrations, extra", VALID);
      }
    }
  }

  void controlCharacters(FuzzDraft d) {
    d.category = "control-chars";
    int which = random.nextInt(3);
    if (which == 0) {
      UglyValues.Key key = pick(UglyValues.KEYS);
      d.rawKey(utf8(key.json()), "k");
      d.note(d.t.payloadName + " key " + key.name(), keyVerdict(d, key.name(), key.expect()));
    } else if (which == 1 || d.t.kind == Kind.CE_BINARY) {
      UglyValues.Literal value = pick(UglyValues.STRINGS);
      d.probe(value.bytes(), value.stored());
      d.note(d.t.payloadName + ".probe = " + FuzzJson.snippet(value.bytes(), 40), value.expect());
    } else {
      String field = firstStringField(d);
      String value = pick(List.of("a\u0000b", "\u0000", "\u001b[31mred\u001b[0m", "line\r\nbreak"));
      d.t.event.put(field, value);
      d.note(d.t.at + field + " = " + Json.encode(value), EITHER);
    }
  }

  /** Segment keeps identify traits as document fields: their names are checked (README). */
  private static FuzzExpect keyVerdict(FuzzDraft d, String name, FuzzExpect verdict) {
    boolean traits = "identify".equals(d.t.segmentCall);
    if (traits && (name.startsWith("$") || name.contains(".") || name.equals("empty"))) {
      return INVALID;
    }
    return verdict;
  }

  /** The first required string field that does not decide the stored id. */
  private static String firstStringField(FuzzDraft d) {
    for (String field : mutable(d)) {
      if (d.t.event.getValue(field) instanceof String && !field.equals("specversion")) {
        return field;
      }
    }
    return d.t.required.get(0);
  }

  /** Fields whose value may change without changing the stored id. */
  private static List<String> mutable(FuzzDraft d) {
    List<String> fields = new ArrayList<>(d.t.required);
    fields.addAll(d.t.optional);
    fields.remove(d.t.idField);
    if (d.t.kind == Kind.CE_STRUCTURED || d.t.kind == Kind.CE_BATCH) {
      fields.remove("source");
    }
    return fields;
  }

  private static final List<UglyValues.Literal> GEO =
      List.of(
          new UglyValues.Literal("90", VALID, null),
          new UglyValues.Literal("-90.0", VALID, null),
          new UglyValues.Literal("-0", VALID, null),
          new UglyValues.Literal("90.0000000001", INVALID, null),
          new UglyValues.Literal("1e309", INVALID, null),
          new UglyValues.Literal("-1e309", INVALID, null),
          new UglyValues.Literal("9223372036854775808", INVALID, null),
          new UglyValues.Literal("\"45\"", INVALID, null));

  void extremeNumber(FuzzDraft d) {
    if (strict(d) && random.nextInt(4) == 0) {
      UglyValues.Literal lat = pick(GEO);
      d.t.event.put("geo", new JsonObject().put("lat", FuzzJson.slot("lat")).put("lon", 0));
      d.splices.put("lat", lat.bytes());
      d.note(d.t.at + "geo.lat = " + lat.text(), lat.expect());
      return;
    }
    UglyValues.Literal number = pick(UglyValues.NUMBERS);
    d.probe(number.bytes(), number.stored());
    d.note(d.t.payloadName + ".probe = " + FuzzJson.snippet(number.bytes(), 40), number.expect());
  }

  void extremeTime(FuzzDraft d) {
    d.category = "time";
    if (d.t.timeField == null) {
      d.category = "number";
      extremeNumber(d);
      return;
    }
    if (d.t.timeRoute == UglyValues.TimeRoute.SEGMENT && random.nextInt(3) == 0) {
      UglyValues.SkewedTimes skew = pick(UglyValues.SEGMENT_SKEWS);
      d.t.event.put("timestamp", skew.timestamp()).put("sentAt", skew.sentAt());
      d.note("timestamp " + skew.timestamp() + " with sentAt " + skew.sentAt(), skew.expect());
      return;
    }
    UglyValues.Time time = pick(UglyValues.TIMES);
    d.raw(d.t.timeField, utf8(time.literal()));
    d.note(d.t.at + d.t.timeField + " = " + time.literal(), time.on(d.t.timeRoute));
  }

  void utf8Bytes(FuzzDraft d) {
    UglyValues.Utf8 sequence = pick(UglyValues.UTF8);
    int which = random.nextInt(5);
    if (which == 0) {
      d.rawKey(quoted(sequence.bytes()), "k");
      d.note(d.t.payloadName + " key with " + sequence.name(), sequence.expect());
    } else if (which == 1 && d.t.kind != Kind.CE_BINARY) {
      String field = firstStringField(d);
      byte[] inside = concat(utf8("fz"), sequence.bytes());
      d.raw(field, quoted(inside));
      d.note(d.t.at + field + " with " + sequence.name(), sequence.expect());
    } else if (which == 2) {
      byte[] stray =
          pick(
              List.of(
                  new byte[] {(byte) 0xff},
                  new byte[] {(byte) 0xc0, (byte) 0xaf},
                  new byte[] {(byte) 0x80}));
      byte[] body = d.body();
      List<Integer> positions = FuzzJson.structuralPositions(body);
      int at = pick(positions);
      d.replacedBody = FuzzJson.insert(body, at, stray);
      d.note(
          "stray byte(s) " + FuzzJson.snippet(stray, 8) + " outside strings at offset " + at,
          INVALID);
    } else {
      d.probe(quoted(sequence.bytes()), sequence.stored());
      d.note(d.t.payloadName + ".probe with " + sequence.name(), sequence.expect());
    }
  }

  void malformed(FuzzDraft d) {
    byte[] body = d.body();
    int which = random.nextInt(6);
    switch (which) {
      case 0, 1 -> {
        int length = random.nextInt(body.length);
        d.replacedBody = java.util.Arrays.copyOf(body, length);
        d.note("truncated to " + length + " of " + body.length + " bytes", INVALID);
      }
      case 2 -> {
        byte[] stray = utf8(pick(List.of(",", ":", "x", "\u0000", "\"", "\\", "{", "[", "}", "]")));
        int at = pick(FuzzJson.structuralPositions(body));
        d.replacedBody = FuzzJson.insert(body, at, stray);
        d.note("stray " + FuzzJson.snippet(stray, 4) + " at offset " + at, INVALID);
      }
      case 3 -> {
        String whole = pick(List.of("", "null", "[]", "{}", "\"text\"", "[{}]", "42", "true"));
        d.replacedBody = utf8(whole);
        if (d.t.kind != Kind.CE_BINARY) {
          d.fresh.clear(); // a binary CloudEvent's id is in its headers
        }
        d.note("body " + (whole.isEmpty() ? "empty" : whole), wholeBodyVerdict(d.t.kind, whole));
      }
      case 4 -> {
        int variant = random.nextInt(4);
        switch (variant) {
          case 0 ->
              d.replacedBody = concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, body);
          case 1 ->
              d.replacedBody =
                  new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE);
          case 2 -> d.replacedBody = concat(body, body);
          default -> d.replacedBody = concat(utf8("garbage"), body);
        }
        d.note(
            List.of("UTF-8 BOM first", "UTF-16LE body", "body twice", "garbage before body")
                .get(variant),
            variant <= 1 ? EITHER : INVALID);
      }
      default -> {
        d.replacedBody = concat(body, utf8("\r\n \t"));
        d.note("trailing whitespace", VALID);
      }
    }
  }

  private static FuzzExpect wholeBodyVerdict(Kind kind, String body) {
    if (kind == Kind.CE_BINARY) {
      return body.isEmpty() ? EITHER : VALID; // any JSON value is the event's data
    }
    if (kind == Kind.CE_BATCH && body.equals("[]")) {
      return VALID; // an empty batch
    }
    return INVALID;
  }

  void nesting(FuzzDraft d) {
    d.probe(utf8("0"), null);
    byte[] body = d.body();
    int slotDepth = FuzzJson.depthAt(body, FuzzJson.indexOf(body, utf8("\"probe\":")));
    int which = random.nextInt(5);
    int total;
    String text;
    FuzzExpect verdict;
    switch (which) {
      case 0 -> {
        total = MAX_DEPTH;
        text = arrays(total - slotDepth);
        verdict = VALID;
      }
      case 1 -> {
        total = MAX_DEPTH + 1;
        text = arrays(total - slotDepth);
        verdict = INVALID;
      }
      case 2 -> {
        total = MAX_DEPTH + 1;
        text = "{\"a\":".repeat(total - slotDepth) + "0" + "}".repeat(total - slotDepth);
        verdict = INVALID;
      }
      case 3 -> {
        total = 30_000;
        text = arrays(total - slotDepth);
        verdict = INVALID;
      }
      default -> {
        total = 20_000;
        text = "[".repeat(total - slotDepth);
        verdict = INVALID;
      }
    }
    d.splices.put("probe", utf8(text));
    d.probe = FuzzDraft.NO_PROBE;
    d.note(
        "nesting "
            + total
            + " deep"
            + (which == 4 ? ", never closed" : "")
            + " (limit "
            + MAX_DEPTH
            + ")",
        verdict);
  }

  private static String arrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
