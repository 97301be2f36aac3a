package dev.tripline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a bench tool. Every getter names the option and the
 * constraint when a value is wrong, and {@link #rejectUnknown} catches typos, so a long benchmark
 * never runs with a setting the operator did not mean.
 */
final class Args {

  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  static Args parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected --name value pairs, got \"" + name + "\" at position " + i);
      }
      values.put(name.substring(2), args[++i]);
    }
    return new Args(values);
  }

  void rejectUnknown(Set<String> known) {
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("--" + name + ": unknown option; known: " + known);
      }
    }
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + ": required");
    }
    return value;
  }

  int integer(String name, int fallback, int min) {
    String raw = values.get(name);
    if (raw == null) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + ": must be an integer, was \"" + raw + "\"");
    }
    if (value < min) {
      throw new IllegalArgumentException("--" + name + ": must be >= " + min + ", was " + value);
    }
    return value;
  }

  List<Integer> integers(String name, String fallback, int min) {
    List<Integer> list = new ArrayList<>();
    for (String part : string(name, fallback).split(",")) {
      list.add(Args.parse(new String[] {"--" + name, part.trim()}).integer(name, 0, min));
    }
    return list;
  }

  /** A duration like {@code 500ms}, {@code 15s} or {@code 2m}. */
  Duration duration(String name, String fallback) {
    String raw = string(name, fallback).trim();
    try {
      if (raw.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(raw.substring(0, raw.length() - 2)));
      }
      if (raw.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(raw.substring(0, raw.length() - 1)) * 1000));
      }
      if (raw.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(raw.substring(0, raw.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "--" + name + ": must be a duration like 500ms, 15s or 2m, was \"" + raw + "\"");
  }
}
