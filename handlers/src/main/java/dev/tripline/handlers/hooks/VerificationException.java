package dev.tripline.handlers.hooks;

import dev.tripline.handlers.HttpException;
import java.util.Locale;

/**
 * A webhook that did not verify: answered 401 with a reason that names the header at fault but
 * never a secret, a signature or the value expected.
 */
public final class VerificationException extends HttpException {

  /** Why, as a small closed set so that metrics keep a bounded number of label values. */
  public enum Reason {
    MISSING_HEADER,
    MALFORMED_HEADER,
    TIMESTAMP_OUTSIDE_TOLERANCE,
    SIGNATURE_MISMATCH,
    KEY_MISMATCH;

    /** The metrics label value, e.g. {@code signature_mismatch}. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  VerificationException(Reason reason, String message, String header) {
    super(401, message, header, null);
    this.reason = reason;
  }

  static VerificationException missingHeader(String header) {
    return new VerificationException(Reason.MISSING_HEADER, "missing header " + header, header);
  }

  static VerificationException malformedHeader(String header, String what) {
    return new VerificationException(
        Reason.MALFORMED_HEADER, "malformed header " + header + ": " + what, header);
  }

  static VerificationException mismatch(String header) {
    return new VerificationException(Reason.SIGNATURE_MISMATCH, "signature mismatch", header);
  }

  /** What this failure is counted as. */
  public Reason reason() {
    return reason;
  }
}
