package dev.tripline.rules.yaml;

import dev.tripline.rules.SourcePosition;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML file parsed into a SnakeYAML Engine node tree, kept together with its name and text so
 * that every message about it can say {@code file:line:col}.
 *
 * <p>Parsing never throws for bad input: syntax errors, duplicate keys, recursive aliases and
 * exceeded limits become {@link Problem}s in {@link #problems()} and the root is then absent or
 * partial. Schema checks over the tree go through {@link YamlMapping}, which reports into the same
 * collector, so one pass shows an author every problem of a file.
 *
 * <p>Limits, so that a hostile or broken file cannot exhaust memory or the stack: {@value
 * #MAX_ALIASES} aliases to collections (an alias "bomb" expands exponentially), {@value #MAX_DEPTH}
 * levels of nesting, and {@value #DEFAULT_MAX_CODE_POINTS} code points by default.
 */
public final class YamlDocument {

  /** Default size limit, far above any hand-written config or rule file. */
  public static final int DEFAULT_MAX_CODE_POINTS = 3_000_000;

  /** Aliases to collections allowed per document. */
  public static final int MAX_ALIASES = 50;

  /** Nesting levels allowed below the root. */
  public static final int MAX_DEPTH = 64;

  private final String fileName;
  private final int[] text;
  private final Node root;
  private final Problems problems;

  private YamlDocument(String fileName, int[] text, Node root, Problems problems) {
    this.fileName = fileName;
    this.text = text;
    this.root = root;
    this.problems = problems;
  }

  /** Parses {@code text} with the default size limit into a fresh problem collector. */
  public static YamlDocument parse(String fileName, String text) {
    return parse(fileName, text, new Problems(), DEFAULT_MAX_CODE_POINTS);
  }

  /** Parses {@code text} with the default size limit, reporting into {@code problems}. */
  public static YamlDocument parse(String fileName, String text, Problems problems) {
    return parse(fileName, text, problems, DEFAULT_MAX_CODE_POINTS);
  }

  /**
   * Parses one YAML document.
   *
   * @param fileName the file as the user named it, used in every position
   * @param text the file's content
   * @param problems where syntax and structure problems go
   * @param maxCodePoints the size limit
   */
  public static YamlDocument parse(
      String fileName, String text, Problems problems, int maxCodePoints) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(fileName)
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            // checked in checkStructure, where the key's position is known
            .setAllowNonScalarKeys(true)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(maxCodePoints)
            .setUseMarks(true)
            .build();
    int[] codePoints = text.codePoints().toArray();
    Node root = null;
    try {
      root = new Compose(settings).composeString(text).orElse(null);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      problems.add(
          mark.map(m -> position(fileName, m)).orElse(new SourcePosition(fileName, 1, 1)),
          "",
          "invalid YAML: " + describe(e));
    } catch (YamlEngineException e) {
      // alias and size limits carry no mark
      problems.add(new SourcePosition(fileName, 1, 1), "", "invalid YAML: " + e.getMessage());
    } catch (StackOverflowError e) {
      problems.add(
          new SourcePosition(fileName, 1, 1), "", "invalid YAML: nesting too deep to read");
    }
    YamlDocument document = new YamlDocument(fileName, codePoints, root, problems);
    if (root != null && !document.checkStructure(root, "", 0, new IdentityHashMap<>())) {
      return new YamlDocument(fileName, codePoints, null, problems);
    }
    return document;
  }

  /** The file name every position uses. */
  public String fileName() {
    return fileName;
  }

  /** Where this document's problems (and those of readers over it) are collected. */
  public Problems problems() {
    return problems;
  }

  /** The root node; absent for an empty file or one whose structure could not be read. */
  public Optional<Node> root() {
    return Optional.ofNullable(root);
  }

  /** The 1-based position of a node's start. */
  public SourcePosition position(Node node) {
    return node.getStartMark()
        .map(mark -> position(fileName, mark))
        .orElse(new SourcePosition(fileName, 1, 1));
  }

  /** The position of the first line of this file, for problems about the file as a whole. */
  public SourcePosition start() {
    return new SourcePosition(fileName, 1, 1);
  }

  /**
   * The position in this file of the character at {@code offset} (in code points) inside a scalar's
   * value, so that errors in an embedded language (a CEL expression) point into the file.
   *
   * <p>Exact for plain and quoted scalars on one line (escapes and {@code ''} included) and for
   * literal blocks ({@code |}). For folded or multi-line flow scalars, where YAML turns line breaks
   * into spaces, it lands on the right line and close to the right column: it walks the source and
   * the value side by side, skipping source characters (indentation, breaks) that folding removed.
   * Falls back to the scalar's start when the walk cannot follow.
   */
  public SourcePosition position(ScalarNode node, int offset) {
    Optional<Mark> start = node.getStartMark();
    Optional<Mark> end = node.getEndMark();
    if (start.isEmpty() || end.isEmpty()) {
      return position(node);
    }
    SourceCursor cursor =
        new SourceCursor(
            text, start.get().getIndex(), start.get().getLine(), start.get().getColumn());
    int limit = Math.min(end.get().getIndex(), text.length);
    ScalarStyle style = node.getScalarStyle();
    if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
      cursor.advance();
    } else if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      cursor.skipLine(limit); // the header: indicator, chomping, indentation, comment
    }
    int[] value = node.getValue().codePoints().toArray();
    int target = Math.min(Math.max(offset, 0), value.length);
    for (int i = 0; i <= target && i < value.length; i++) {
      if (!cursor.seek(value[i], style, limit)) {
        return position(node);
      }
      if (i < target) {
        cursor.consume(value[i], style);
      }
    }
    return new SourcePosition(fileName, cursor.line + 1, cursor.column + 1);
  }

  /** Reads {@code node} as a mapping, or reports what it was instead. */
  public Optional<YamlMapping> mapping(Node node, String path) {
    if (node instanceof MappingNode mapping) {
      return Optional.of(new YamlMapping(this, mapping, path));
    }
    report(node, path, "must be a mapping, was " + describe(node));
    return Optional.empty();
  }

  /** Records a problem located at {@code node}. */
  public void report(Node node, String path, String message) {
    problems.add(position(node), path, message);
  }

  /**
   * Describes a value for a "was ..." clause: a quoted scalar, {@code empty}, {@code a list} or
   * {@code a mapping}. Long scalars are shortened.
   */
  public static String describe(Node node) {
    if (node instanceof ScalarNode scalar) {
      if (isNull(scalar)) {
        return "empty";
      }
      return quote(scalar.getValue());
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  /** Double-quotes a value for a message, escaping quotes and line breaks, shortening long ones. */
  public static String quote(String value) {
    String shown = value.length() > 60 ? value.substring(0, 57) + "..." : value;
    return "\""
        + shown
            .replace("\\", "\\\\")
            .replace("\"", "\\\"")
            .replace("\n", "\\n")
            .replace("\t", "\\t")
        + "\"";
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static SourcePosition position(String fileName, Mark mark) {
    return new SourcePosition(fileName, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "malformed document" : e.getProblem();
    if (e.getContext() == null) {
      return problem;
    }
    String where =
        e.getContextMark()
            .map(m -> " at " + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
            .orElse("");
    return problem + " (" + e.getContext() + where + ")";
  }

  /**
   * Finds what the composer lets through: duplicate keys (SnakeYAML checks them only when
   * constructing Java objects), non-scalar keys, recursive aliases and deep nesting. A node reached
   * twice through aliases is checked once.
   *
   * @return false when the tree cannot be walked safely (recursion, depth)
   */
  private boolean checkStructure(Node node, String path, int depth, Map<Node, Boolean> seen) {
    Boolean state = seen.get(node);
    if (state != null) {
      if (!state) {
        report(node, path, "recursive alias: a node must not contain itself");
        return false;
      }
      return true;
    }
    if (depth > MAX_DEPTH) {
      report(node, path, "nested deeper than " + MAX_DEPTH + " levels");
      return false;
    }
    seen.put(node, false);
    boolean ok = true;
    if (node instanceof MappingNode mapping) {
      Map<String, Node> keys = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        Node key = tuple.getKeyNode();
        if (!(key instanceof ScalarNode scalarKey)) {
          report(key, path, "keys must be strings, was " + describe(key));
          continue;
        }
        String childPath = YamlMapping.join(path, scalarKey.getValue());
        Node first = keys.putIfAbsent(scalarKey.getValue(), key);
        if (first != null) {
          report(
              key, childPath, "duplicate key, first defined at " + Problem.format(position(first)));
        }
        ok &= checkStructure(tuple.getValueNode(), childPath, depth + 1, seen);
      }
    } else if (node instanceof SequenceNode sequence) {
      int index = 0;
      for (Node item : sequence.getValue()) {
        ok &= checkStructure(item, path + "[" + index++ + "]", depth + 1, seen);
      }
    }
    seen.put(node, true);
    return ok;
  }

  /** Walks the source code points while tracking the 0-based line and column, as marks do. */
  private static final class SourceCursor {
    private final int[] text;
    private int index;
    private int line;
    private int column;

    SourceCursor(int[] text, int index, int line, int column) {
      this.text = text;
      this.index = index;
      this.line = line;
      this.column = column;
    }

    void advance() {
      int c = text[index++];
      if (c == '\n' || (c == '\r' && (index >= text.length || text[index] != '\n'))) {
        line++;
        column = 0;
      } else if (c != '\r') {
        column++;
      }
    }

    void skipLine(int limit) {
      while (index < limit) {
        int c = text[index];
        advance();
        if (c == '\n' || (c == '\r' && (index >= text.length || text[index] != '\n'))) {
          return;
        }
      }
    }

    /** Moves to where {@code c} is written, skipping what folding or escaping removed. */
    boolean seek(int c, ScalarStyle style, int limit) {
      while (index < limit) {
        int here = text[index];
        if (here == c
            || (style == ScalarStyle.DOUBLE_QUOTED && here == '\\' && !escapedBreak())
            || (style == ScalarStyle.SINGLE_QUOTED && here == '\'' && c == '\'')) {
          return true;
        }
        advance();
      }
      return false;
    }

    /** Steps over the source of one value character at the cursor. */
    void consume(int c, ScalarStyle style) {
      int here = text[index];
      int length = 1;
      if (style == ScalarStyle.DOUBLE_QUOTED && here == '\\' && c != '\\') {
        length = escapeLength();
      } else if (style == ScalarStyle.DOUBLE_QUOTED && here == '\\') {
        length = 2;
      } else if (style == ScalarStyle.SINGLE_QUOTED && here == '\'') {
        length = 2;
      }
      for (int i = 0; i < length && index < text.length; i++) {
        advance();
      }
    }

    private boolean escapedBreak() {
      return index + 1 < text.length && (text[index + 1] == '\n' || text[index + 1] == '\r');
    }

    private int escapeLength() {
      if (index + 1 >= text.length) {
        return 1;
      }
      return switch (text[index + 1]) {
        case 'x' -> 4;
        case 'u' -> 6;
        case 'U' -> 10;
        default -> 2;
      };
    }
  }
}
