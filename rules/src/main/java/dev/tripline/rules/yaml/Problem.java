package dev.tripline.rules.yaml;

import dev.tripline.rules.SourcePosition;
import java.util.Objects;

/**
 * One thing wrong with a YAML file, located precisely enough for an editor to jump to it.
 *
 * @param position where; a line of 0 means the file as a whole (e.g. it cannot be read)
 * @param path the dotted path of the offending value inside its document or rule, e.g. {@code
 *     detect.threshold.count} or {@code notify[1]}; empty when the problem is not about one field
 * @param message what is wrong: the constraint and, where there is one, the value found
 */
public record Problem(SourcePosition position, String path, String message) {

  public Problem {
    Objects.requireNonNull(position, "position");
    path = path == null ? "" : path;
    Objects.requireNonNull(message, "message");
  }

  /** The position as {@code file:line:col}, or just {@code file} for whole-file problems. */
  public static String format(SourcePosition position) {
    return position.line() <= 0 ? position.file() : position.toString();
  }

  /** {@code file:line:col path: message}, the form every Tripline config message takes. */
  @Override
  public String toString() {
    return format(position) + " " + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
