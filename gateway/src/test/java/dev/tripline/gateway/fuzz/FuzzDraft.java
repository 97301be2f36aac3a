package dev.tripline.gateway.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fuzz input being made: a {@link FuzzTemplate} plus what the mutations did to it (the verdict,
 * raw splices, a replaced body, extra headers, counts), turned into bytes by {@link #body()}.
 */
final class FuzzDraft {

  /** No {@code probe} property to check in the stored event. */
  static final Object NO_PROBE = new Object();

  final FuzzTemplate t;
  String category = "valid";
  final List<String> inputs = new ArrayList<>();
  FuzzExpect expect = FuzzExpect.VALID;
  final Map<String, byte[]> splices = new LinkedHashMap<>();
  final List<Map.Entry<String, String>> extraHeaders = new ArrayList<>();
  byte[] replacedBody;
  boolean chunked;
  int duplicates;
  int untraced;
  final List<String> fresh;
  Object probe = NO_PROBE;

  FuzzDraft(FuzzTemplate t) {
    this.t = t;
    this.fresh = new ArrayList<>(t.fresh);
  }

  /** Records what was done, and how that changes the verdict. */
  FuzzDraft note(String input, FuzzExpect verdict) {
    inputs.add(input);
    expect = expect.and(verdict);
    return this;
  }

  /** Puts a raw JSON value (spliced bytes) at {@code key} of the payload. */
  FuzzDraft probe(byte[] raw, Object stored) {
    t.payload.put("probe", FuzzJson.slot("probe"));
    splices.put("probe", raw);
    probe = stored == null ? NO_PROBE : stored;
    return this;
  }

  /** Puts a raw JSON value at {@code field} of the event. */
  FuzzDraft raw(String field, byte[] raw) {
    String name = "f" + splices.size();
    t.event.put(field, FuzzJson.slot(name));
    splices.put(name, raw);
    return this;
  }

  /** Adds a raw key (JSON text with quotes) with {@code value} to the payload. */
  FuzzDraft rawKey(byte[] key, Object value) {
    String name = "k" + splices.size();
    t.payload.put(FuzzJson.slot(name), value);
    splices.put(name, key);
    return this;
  }

  /** The body as it stands, splices applied. */
  byte[] body() {
    return replacedBody != null ? replacedBody : FuzzJson.render(t.root, splices);
  }

  String input() {
    return inputs.isEmpty() ? "valid" : String.join("; ", inputs);
  }

  /** The stored id the probe sits in, when the event is stored. */
  String probeId() {
    return probe == NO_PROBE ? null : t.eventId;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code "<bytes>"}. */
  static byte[] quoted(byte[] inside) {
    byte[] out = new byte[inside.length + 2];
    out[0] = '"';
    System.arraycopy(inside, 0, out, 1, inside.length);
    out[out.length - 1] = '"';
    return out;
  }
}
