package dev.tripline.rules.yaml;

import dev.tripline.rules.SourcePosition;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found while reading config, so that an author fixes all of them in one
 * round instead of one per restart. Not thread-safe: one collector per load.
 */
public final class Problems {

  private final List<Problem> problems = new ArrayList<>();

  /** Records a problem. */
  public void add(SourcePosition position, String path, String message) {
    problems.add(new Problem(position, path, message));
  }

  /** Records a problem. */
  public void add(Problem problem) {
    problems.add(problem);
  }

  /** Whether nothing was recorded. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** How many problems were recorded. */
  public int size() {
    return problems.size();
  }

  /** A snapshot of the problems, in the order they were recorded. */
  public List<Problem> list() {
    return List.copyOf(problems);
  }

  /** One problem per line, for exception messages and logs. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Problem problem : problems) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(problem);
    }
    return out.toString();
  }
}
