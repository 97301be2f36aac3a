package dev.tripline.gateway.config;

import java.util.List;

/** The configuration is invalid; the message lists every problem, one per line. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  " + String.join("\n  ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** Each problem, naming the key (or file) and what was wrong. */
  public List<String> problems() {
    return problems;
  }
}
