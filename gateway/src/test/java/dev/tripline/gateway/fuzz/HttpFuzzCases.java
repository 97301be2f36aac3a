package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzDraft.quoted;
import static dev.tripline.gateway.fuzz.FuzzDraft.utf8;
import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;
import static dev.tripline.gateway.fuzz.FuzzExpect.VALID;

import dev.tripline.gateway.fuzz.FuzzTemplate.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generates the HTTP fuzz cases, deterministically for a seed: a route (weighted), a valid request
 * for it, one mutation (of the JSON, see {@link FuzzMutations}, or of the request: size, content
 * type, credentials, headers, ids).
 */
final class HttpFuzzCases {

  /** The configured {@code ingest.max-body-size}. */
  static final int MAX_BODY = 64 * 1024;

  /** Segment's limit on one call. */
  static final int MAX_SEGMENT_CALL = 32 * 1024;

  /** Ids stored before the fuzz starts, per id space, that duplicate cases re-send. */
  static final int WARM_IDS = 8;

  private static final List<Kind> KINDS =
      weighted(
          Kind.EVENTS,
          14,
          Kind.EVENTS_BATCH,
          10,
          Kind.CE_STRUCTURED,
          9,
          Kind.CE_BATCH,
          7,
          Kind.CE_BINARY,
          7,
          Kind.SEGMENT_CALL,
          16,
          Kind.SEGMENT_BATCH,
          9,
          Kind.HOOK_SW,
          12,
          Kind.HOOK_ACME,
          8);

  private final Random random;
  private final FuzzMutations mutations;
  private final RequestMutations requests;
  private final List<Consumer<FuzzDraft>> mutationTable;

  HttpFuzzCases(Random random) {
    this.random = random;
    this.mutations = new FuzzMutations(random);
    this.requests = new RequestMutations(random);
    this.mutationTable =
        weighted(
            mutation("valid", d -> d.note("valid", VALID)), 8,
            mutation("drop", fieldLevel(mutations::dropField, "drop")), 7,
            mutation("duplicate-key", fieldLevel(mutations::duplicateKey, "duplicate")), 4,
            mutation("retype", fieldLevel(mutations::retype, "retype")), 8,
            mutation("unknown-field", fieldLevel(mutations::unknownField, "unknown")), 5,
            mutation("control-chars", mutations::controlCharacters), 8,
            mutation("number", mutations::extremeNumber), 10,
            mutation("time", fieldLevel(mutations::extremeTime, "time")), 13,
            mutation("utf8", mutations::utf8Bytes), 10,
            mutation("malformed", mutations::malformed), 8,
            mutation("nesting", mutations::nesting), 4,
            mutation("size", this::size), 3,
            mutation("duplicate-id", this::duplicateIds), 4,
            mutation("content-type", requests::contentType), 3,
            mutation("credentials", requests::credentials), 5,
            mutation("headers", requests::oddHeaders), 2,
            mutation("no-id", this::withoutId), 2,
            mutation("source", this::foreignSource), 3);
  }

  /** A mutation that names its category on the draft. */
  static Consumer<FuzzDraft> mutation(String category, Consumer<FuzzDraft> mutation) {
    return d -> {
      d.category = category;
      mutation.accept(d);
    };
  }

  List<HttpFuzzCase> generate(int first, int count) {
    List<HttpFuzzCase> cases = new ArrayList<>(count);
    for (int index = first; index < first + count; index++) {
      FuzzDraft d =
          new FuzzDraft(
              FuzzTemplate.create(KINDS.get(random.nextInt(KINDS.size())), index, random));
      mutationTable.get(random.nextInt(mutationTable.size())).accept(d);
      cases.add(build(index, d));
    }
    return cases;
  }

  static HttpFuzzCase build(int index, FuzzDraft d) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    d.t.headers.forEach((name, value) -> headers.add(Map.entry(name, value)));
    headers.addAll(d.extraHeaders);
    return new HttpFuzzCase(
        index,
        d.category,
        d.t.route,
        d.input(),
        d.t.path,
        List.copyOf(headers),
        d.body(),
        d.chunked,
        d.t.signer,
        d.expect,
        d.t.countsAnswer(),
        List.copyOf(d.fresh),
        d.duplicates,
        d.untraced,
        d.t.source,
        d.probeId(),
        d.probe);
  }

  /** A field mutation; in binary CloudEvents the fields are {@code ce-} headers. */
  private Consumer<FuzzDraft> fieldLevel(Consumer<FuzzDraft> mutation, String what) {
    return d -> {
      if (d.t.kind == Kind.CE_BINARY) {
        binaryHeader(d, what);
      } else {
        mutation.accept(d);
      }
    };
  }

  private void binaryHeader(FuzzDraft d, String what) {
    Map<String, String> h = d.t.headers;
    switch (what) {
      case "drop" -> {
        String name =
            pick(
                List.of(
                    "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-subject", "ce-time"));
        h.remove(name);
        d.note(
            "drop header " + name,
            name.equals("ce-subject") || name.equals("ce-time") ? VALID : INVALID);
      }
      case "duplicate" -> {
        d.extraHeaders.add(Map.entry("ce-type", "fz.other"));
        d.note("ce-type header twice", EITHER);
      }
      case "retype" -> {
        int which = random.nextInt(5);
        String name =
            List.of("ce-specversion", "ce-id", "ce-subject", "ce-type", "ce-time").get(which);
        String value = List.of("0.3", "", "", "", "soon").get(which);
        h.put(name, value);
        d.note(name + ": \"" + value + "\"", INVALID);
      }
      case "unknown" -> {
        boolean good = random.nextBoolean();
        d.extraHeaders.add(Map.entry(good ? "ce-fzext" : "ce-bad_name", "v"));
        d.note(
            good ? "extension header ce-fzext" : "extension header ce-bad_name",
            good ? VALID : INVALID);
      }
      default -> {
        UglyValues.Time time = pick(UglyValues.TIMES);
        String literal = time.literal();
        if (literal.contains("\\")) {
          literal = "\"yesterday\"";
        }
        String value =
            literal.startsWith("\"") ? literal.substring(1, literal.length() - 1) : literal;
        h.put("ce-time", value);
        d.note("ce-time: " + value, literal.equals("\"yesterday\"") ? INVALID : time.iso());
      }
    }
  }

  void size(FuzzDraft d) {
    boolean segmentCall = d.t.kind == Kind.SEGMENT_CALL;
    int limit = segmentCall ? MAX_SEGMENT_CALL : MAX_BODY;
    int which = random.nextInt(5);
    int target =
        switch (which) {
          case 0, 3 -> limit;
          case 1, 4 -> limit + 1;
          default -> 1024 * 1024;
        };
    d.probe(quoted(new byte[0]), "");
    int padding = target - d.body().length;
    String pad = "p".repeat(Math.max(0, padding));
    d.probe(quoted(utf8(pad)), pad);
    d.chunked = which >= 3;
    FuzzExpect verdict = target == limit && d.t.kind != Kind.SEGMENT_BATCH ? VALID : INVALID;
    d.note(
        "body of "
            + d.body().length
            + " bytes"
            + (d.chunked ? ", chunked" : "")
            + " (limit "
            + limit
            + ")",
        verdict);
  }

  void duplicateIds(FuzzDraft d) {
    boolean batch =
        d.t.kind == Kind.EVENTS_BATCH
            || d.t.kind == Kind.CE_BATCH
            || d.t.kind == Kind.SEGMENT_BATCH;
    int which = random.nextInt(3);
    if (batch && which == 0) {
      JsonArray events =
          d.t.root instanceof JsonArray array
              ? array
              : ((JsonObject) d.t.root).getJsonArray("batch");
      events.add(d.t.event.copy());
      d.duplicates++;
      d.note("the event " + d.t.at + " twice in the batch", VALID);
      return;
    }
    if ((d.t.kind == Kind.EVENTS || d.t.kind == Kind.EVENTS_BATCH || d.t.kind == Kind.STREAM)
        && which == 1) {
      boolean same = random.nextBoolean();
      d.t.event.put("messageId", same ? d.t.event.getString("id") : "fz-other");
      d.note(same ? "messageId equal to id" : "messageId other than id", same ? VALID : INVALID);
      return;
    }
    int warm = random.nextInt(WARM_IDS);
    d.fresh.remove(d.t.eventId);
    d.duplicates++;
    switch (d.t.kind) {
      case CE_STRUCTURED, CE_BATCH -> d.t.event.put("id", warmId("ce", warm));
      case CE_BINARY -> d.t.headers.put("ce-id", warmId("ce", warm));
      case HOOK_SW -> d.t.signer = FuzzSigners.standard(warmId("sw", warm));
      case HOOK_ACME -> d.t.event.put("delivery_id", warmId("acme", warm));
      default -> d.t.event.put(d.t.idField, warmId("w", warm));
    }
    d.note("re-sends stored id " + warm + " (" + d.t.source + ")", VALID);
  }

  static String warmId(String space, int i) {
    return "fz-warm-" + space + "-" + i;
  }

  void withoutId(FuzzDraft d) {
    switch (d.t.kind) {
      case EVENTS, EVENTS_BATCH, STREAM, SEGMENT_CALL, SEGMENT_BATCH -> {
        d.t.event.remove(d.t.idField);
        d.fresh.remove(d.t.eventId);
        d.untraced++;
        d.note("no " + d.t.at + d.t.idField + " (the gateway makes one)", VALID);
      }
      default -> mutations.extremeTime(d);
    }
  }

  void foreignSource(FuzzDraft d) {
    switch (d.t.kind) {
      case EVENTS, EVENTS_BATCH, STREAM -> {
        List<Map.Entry<Object, FuzzExpect>> sources =
            List.of(
                Map.entry("mobile", INVALID),
                Map.entry("web", VALID),
                Map.entry("sw", INVALID),
                Map.entry("bad source!", INVALID),
                Map.entry("s".repeat(65), INVALID),
                Map.entry(42, INVALID));
        Map.Entry<Object, FuzzExpect> source = pick(sources);
        d.t.event.put("source", source.getKey());
        d.note(d.t.at + "source = " + source.getKey(), source.getValue());
      }
      case CE_STRUCTURED, CE_BATCH -> {
        String source = pick(List.of("", "http://[::1", "%zz", " spaced "));
        d.fresh.remove(d.t.eventId);
        d.fresh.add(FuzzTemplate.ceId(source, d.t.event.getString("id")));
        d.t.eventId = d.fresh.get(d.fresh.size() - 1);
        d.t.event.put("source", source);
        d.note(d.t.at + "source = \"" + source + "\"", source.isEmpty() ? INVALID : EITHER);
      }
      default -> mutations.controlCharacters(d);
    }
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** {@code value, weight, value, weight, ...} as a list to pick from uniformly. */
  @SuppressWarnings("unchecked")
  private static <T> List<T> weighted(Object... pairs) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      for (int w = 0; w < (Integer) pairs[i + 1]; w++) {
        out.add((T) pairs[i]);
      }
    }
    return out;
  }
}
