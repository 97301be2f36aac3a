package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that the HTTP codec itself must refuse, sent as raw bytes (see {@link RawHttp}): every
 * refusal is still the documented JSON error, never an empty body or a 5xx.
 */
final class CodecFuzzCases {

  /**
   * One raw request; {@code fresh} the ids it stores if the server takes it as a valid event. A
   * {@code droppable} one breaks the framing of a body already being read (a bad chunk): the codec
   * cannot tell where the next request would start, and Vert.x closes the connection before any
   * answer is flushed, so a close without a response is the documented outcome too.
   */
  record CodecCase(
      int index,
      String input,
      byte[] request,
      FuzzExpect expect,
      List<String> fresh,
      boolean droppable) {
    String describe() {
      return "case #"
          + index
          + " raw HTTP ["
          + input
          + "] expected "
          + expect
          + ", request: "
          + FuzzJson.snippet(request, 160);
    }
  }

  private CodecFuzzCases() {}

  static List<CodecCase> cases(int first) {
    List<CodecCase> cases = new ArrayList<>();
    int n = first;
    String auth = "Authorization: Bearer " + FuzzTemplate.KEY + "\r\n";
    cases.add(
        invalid(
            n++,
            "a 9000-byte header (431)",
            post("/v1/events", auth + "X-Big: " + "h".repeat(9000) + "\r\n", body(n - 1))));
    cases.add(
        invalid(
            n++,
            "a 5000-character URI (414)",
            post("/v1/events?" + "q".repeat(5000), auth, body(n - 1))));
    cases.add(
        invalid(
            n++,
            "Content-Length: abc",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}")));
    cases.add(
        invalid(
            n++,
            "Content-Length: -5",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}")));
    cases.add(
        invalid(
            n++,
            "two different Content-Lengths",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")));
    cases.add(
        invalid(
            n++,
            "Content-Length: 99999999999999999999",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}")));
    cases.add(
        droppable(
            n++,
            "chunk size zz",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")));
    cases.add(
        droppable(
            n++,
            "chunk data without its CRLF",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n")));
    cases.add(
        droppable(
            n++,
            "a 9000-byte chunk extension",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;"
                    + "e".repeat(9000)
                    + "\r\n{}\r\n0\r\n\r\n")));
    cases.add(
        invalid(
            n++,
            "both Transfer-Encoding and Content-Length",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\n")));
    cases.add(
        invalid(
            n++,
            "ANSI escape in the path",
            raw("POST /v1/ev\u001b[31ments HTTP/1.1\r\nHost: x\r\n\r\n")));
    cases.add(
        invalid(n++, "NUL in the path", raw("POST /v1/events\u0000x HTTP/1.1\r\nHost: x\r\n\r\n")));
    cases.add(invalid(n++, "request line GARBAGE", raw("GARBAGE\r\n\r\n")));
    cases.add(invalid(n++, "method PO ST", raw("PO ST /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")));
    cases.add(
        invalid(n++, "unknown method BREW", raw("BREW /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")));
    cases.add(
        invalid(
            n++,
            "header without a colon",
            raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")));
    cases.add(
        invalid(
            n++,
            "space in a header name",
            raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")));
    cases.add(
        invalid(
            n++,
            "obs-fold continuation line",
            raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nX-A: b\r\n  folded\r\n\r\n")));
    cases.add(
        either(
            n++, "300 headers", post("/v1/events", auth + "X-H: v\r\n".repeat(300), body(n - 1))));
    cases.add(
        invalid(n++, "GET /v1/events (405)", raw("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")));
    cases.add(invalid(n++, "POST /v1/nowhere (404)", post("/v1/nowhere", auth, "{}")));
    cases.add(invalid(n++, "POST /hooks/nosuch (404)", post("/hooks/nosuch", "", "{}")));
    cases.add(
        invalid(
            n++,
            "Authorization with a 0xFF byte",
            post("/v1/events", "Authorization: Bearer wk_\u00ff\r\n", body(n - 1))));
    cases.add(
        invalid(
            n++,
            "HTTP/1.1 without Host",
            raw(
                "POST /v1/events HTTP/1.1\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")));
    cases.add(
        either(
            n++,
            "header value with 0x01",
            post("/v1/events", auth + "X-Odd: a\u0001b\r\n", body(n - 1))));
    cases.add(
        either(
            n++,
            "header value with 0x7F and 0xFE",
            post("/v1/events", auth + "X-Odd: a\u007f\u00feb\r\n", body(n - 1))));
    cases.add(
        either(
            n++,
            "HTTP/1.0 without Host",
            raw(
                "POST /v1/events HTTP/1.0\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body(n - 1).length()
                    + "\r\n\r\n"
                    + body(n - 1))));
    cases.add(
        either(
            n++,
            "absolute-form request target",
            raw(
                "POST http://127.0.0.1/v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body(n - 1).length()
                    + "\r\n\r\n"
                    + body(n - 1))));
    cases.add(
        either(
            n++,
            "Transfer-Encoding: gzip, chunked",
            raw(
                "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                    + auth
                    + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")));

    return cases;
  }

  private static String body(int index) {
    return "{\"type\":\"fz.raw\",\"id\":\"" + FuzzTemplate.id(index, 0) + "\"}";
  }

  private static byte[] post(String path, String headers, String body) {
    return raw(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + headers
            + "Content-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body);
  }

  private static byte[] raw(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (char c : text.toCharArray()) {
      out.write(c); // ISO-8859-1: one byte per char, as the wire carries them
    }
    return out.toByteArray();
  }

  private static CodecCase invalid(int index, String input, byte[] request) {
    return new CodecCase(index, input, request, INVALID, List.of(FuzzTemplate.id(index, 0)), false);
  }

  private static CodecCase droppable(int index, String input, byte[] request) {
    return new CodecCase(index, input, request, INVALID, List.of(FuzzTemplate.id(index, 0)), true);
  }

  private static CodecCase either(int index, String input, byte[] request) {
    return new CodecCase(index, input, request, EITHER, List.of(FuzzTemplate.id(index, 0)), false);
  }
}
