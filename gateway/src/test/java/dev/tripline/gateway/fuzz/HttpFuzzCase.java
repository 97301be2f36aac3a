package dev.tripline.gateway.fuzz;

import java.util.List;
import java.util.Map;

/**
 * One fuzzed HTTP request and what a correct gateway makes of it.
 *
 * @param index the case's number in the run (with the seed, what reproduces it)
 * @param category the kind of mutation, e.g. {@code time} or {@code utf8}
 * @param route e.g. {@code POST /v1/events (batch)}
 * @param input what is ugly about it, e.g. {@code properties.probe = 1e309}
 * @param headers sent as given (a signer adds the signature's at send time)
 * @param chunked send the body chunked, without a Content-Length
 * @param signer signs the final body at send time (webhook sources), or null
 * @param counts the success answer is {@code {"accepted","duplicates"}} (else Segment's {@code
 *     {"success":true}})
 * @param fresh the stored ids the request creates when it is accepted
 * @param duplicates how many of its events are duplicates of stored ones (or of each other)
 * @param untraced how many of its events carry no id (the gateway makes one)
 * @param probeId the stored id of the event whose {@code probe} property is checked, or null
 * @param probe the value that event's {@code probe} must hold once stored
 */
record HttpFuzzCase(
    int index,
    String category,
    String route,
    String input,
    String path,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    boolean chunked,
    FuzzSigners.Signer signer,
    FuzzExpect expect,
    boolean counts,
    List<String> fresh,
    int duplicates,
    int untraced,
    String source,
    String probeId,
    Object probe) {

  /** The description failure messages start with. */
  String describe() {
    return "case #"
        + index
        + " "
        + route
        + " ["
        + input
        + "] expected "
        + expect
        + ", body: "
        + FuzzJson.snippet(body, 160);
  }
}
