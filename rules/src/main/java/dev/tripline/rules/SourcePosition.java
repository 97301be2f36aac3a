package dev.tripline.rules;

/**
 * A place in a source file, 1-based, for messages such as {@code config/rules/a.yaml:12:7}.
 *
 * @param file the file as the user named it
 * @param line 1-based line
 * @param column 1-based column
 */
public record SourcePosition(String file, int line, int column) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
