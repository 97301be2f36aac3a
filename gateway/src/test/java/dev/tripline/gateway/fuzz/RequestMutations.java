package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;
import static dev.tripline.gateway.fuzz.FuzzExpect.VALID;

import dev.tripline.gateway.fuzz.FuzzTemplate.Kind;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations of the HTTP request around the JSON: content types, credentials (write keys, forged
 * webhook signatures) and odd headers, each with the verdict a correct gateway must reach.
 */
final class RequestMutations {

  private final Random random;

  RequestMutations(Random random) {
    this.random = random;
  }

  void contentType(FuzzDraft d) {
    List<Map.Entry<String, FuzzExpect>> types =
        switch (d.t.kind) {
          case CE_STRUCTURED ->
              List.of(
                  Map.entry("application/cloudevents+json; charset=utf-8", VALID),
                  Map.entry("application/json", INVALID),
                  Map.entry("text/plain", INVALID),
                  Map.entry("", INVALID),
                  Map.entry("-", INVALID),
                  Map.entry("application/cloudevents-batch+json", INVALID),
                  Map.entry("application/cloudevents+xml", INVALID));
          case CE_BATCH ->
              List.of(
                  Map.entry("application/cloudevents-batch+json; charset=UTF-8", VALID),
                  Map.entry("application/cloudevents+json", INVALID),
                  Map.entry("application/json", INVALID),
                  Map.entry("-", INVALID));
          case CE_BINARY ->
              List.of(
                  Map.entry("text/plain", VALID),
                  Map.entry("application/octet-stream", VALID),
                  Map.entry("-", EITHER),
                  Map.entry("application/json; charset=iso-8859-1", EITHER),
                  Map.entry("application/cloudevents+json", INVALID));
          case HOOK_SW, HOOK_ACME ->
              List.of(
                  Map.entry("text/plain", EITHER),
                  Map.entry("-", EITHER),
                  Map.entry("application/x-www-form-urlencoded", EITHER));
          default ->
              List.of(
                  Map.entry("text/plain", INVALID),
                  Map.entry("application/xml", INVALID),
                  Map.entry("-", INVALID),
                  Map.entry("application/json; charset=iso-8859-1", INVALID),
                  Map.entry("application/json;charset=UTF-8", VALID),
                  Map.entry("APPLICATION/JSON", VALID),
                  Map.entry("application/json; foo=bar", VALID),
                  Map.entry("application/jsonx", INVALID),
                  Map.entry("multipart/form-data; boundary=x", INVALID),
                  Map.entry("application/x-www-form-urlencoded", INVALID),
                  Map.entry("*/*", INVALID),
                  Map.entry("", INVALID),
                  Map.entry("application/json, text/plain", EITHER));
        };
    Map.Entry<String, FuzzExpect> type = pick(types);
    if (type.getKey().equals("-")) {
      d.t.headers.remove("Content-Type");
      d.note("no Content-Type", type.getValue());
    } else {
      d.t.headers.put("Content-Type", type.getKey());
      d.note("Content-Type: " + type.getKey(), type.getValue());
    }
  }

  void credentials(FuzzDraft d) {
    if (!d.t.usesWriteKey()) {
      List<FuzzSigners.Forgery> forgeries =
          d.t.kind == Kind.HOOK_SW
              ? FuzzSigners.standardForgeries(d.t.eventId)
              : FuzzSigners.acmeForgeries();
      FuzzSigners.Forgery forgery = pick(forgeries);
      d.t.signer = forgery.signer();
      d.note("signature: " + forgery.name(), INVALID);
      return;
    }
    String key = FuzzTemplate.KEY;
    boolean segment = d.t.kind == Kind.SEGMENT_CALL || d.t.kind == Kind.SEGMENT_BATCH;
    if (segment && random.nextInt(3) == 0) {
      int which = random.nextInt(3);
      if (which < 2) {
        d.t.headers.remove("Authorization");
      }
      ((JsonObject) d.t.root).put("writeKey", which == 0 ? key : "wk_wrong");
      d.note(
          List.of(
                  "writeKey in the body only",
                  "wrong writeKey in the body only",
                  "good header, wrong writeKey in the body")
              .get(which),
          which == 0 ? VALID : which == 1 ? INVALID : EITHER);
      return;
    }
    List<Map.Entry<String, FuzzExpect>> values =
        List.of(
            Map.entry("-", INVALID),
            Map.entry("Bearer wk_wrong", INVALID),
            Map.entry("Bearer ", INVALID),
            Map.entry("Bearer", INVALID),
            Map.entry("Basic " + base64("wk_wrong:"), INVALID),
            Map.entry("Basic !!!", INVALID),
            Map.entry("Basic " + base64(key + ":"), VALID),
            Map.entry("Basic " + base64(key), EITHER),
            Map.entry("Basic " + base64(key + ":secret"), EITHER),
            Map.entry("bearer " + key, EITHER),
            Map.entry("Bearer  " + key, EITHER),
            Map.entry("Bearer " + key + " ", EITHER),
            Map.entry("Digest username=\"x\"", INVALID),
            Map.entry("Bearer " + "k".repeat(6000), INVALID),
            Map.entry("Bearer wk_fuzz_mobile_key", EITHER));
    Map.Entry<String, FuzzExpect> value = pick(values);
    if (value.getKey().equals("-")) {
      d.t.headers.remove("Authorization");
      d.note("no Authorization", INVALID);
    } else {
      d.t.headers.put("Authorization", value.getKey());
      String shown =
          value.getKey().length() > 60
              ? value.getKey().substring(0, 20) + "...(" + value.getKey().length() + ")"
              : value.getKey();
      d.note("Authorization: " + shown, value.getValue());
    }
  }

  void oddHeaders(FuzzDraft d) {
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("X-Forwarded-For", "999.999.1.1, , ::ffff:1.2.3.4, not-an-ip"),
            Map.entry("X-Forwarded-For", "1.2.3.4, ".repeat(500)),
            Map.entry("User-Agent", "ua".repeat(2000)),
            Map.entry("Accept", "application/xml"),
            Map.entry("Connection", "close"),
            Map.entry("Cookie", "a=" + "b".repeat(3000)),
            Map.entry("Forwarded", "for=\"[::1]\";proto=http;by=_x"),
            Map.entry("X-Forwarded-Proto", "gopher"),
            Map.entry("Content-Encoding", "gzip"),
            Map.entry("Expect", "100-continue"));
    Map.Entry<String, String> header = pick(headers);
    d.extraHeaders.add(header);
    boolean either = header.getKey().equals("Content-Encoding") || header.getKey().equals("Expect");
    String shown =
        header.getValue().length() > 50
            ? header.getValue().substring(0, 30) + "...(" + header.getValue().length() + ")"
            : header.getValue();
    d.note(header.getKey() + ": " + shown, either ? EITHER : VALID);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
