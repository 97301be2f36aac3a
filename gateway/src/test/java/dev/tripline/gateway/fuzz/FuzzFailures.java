package dev.tripline.gateway.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every failure of a fuzz run, collected rather than thrown at the first, and reported grouped by
 * kind, then by route and mutation, with one full example each (case number, input, status, body
 * snippet) and the seed that reproduces the run.
 */
public final class FuzzFailures {

  enum Kind {
    SERVER_ERROR("a 5xx other than 503 with Retry-After"),
    POISON_503("503 for an input that must get a 4xx: it cannot be stored and failed its write"),
    COLLATERAL_503(
        "503 for an input that is valid (or may be): the store is healthy, a poison input shared"
            + " its write"),
    ERROR_BODY_NOT_JSON("a 4xx/5xx whose body is not a JSON object with a string \"error\""),
    ACCEPTED_INVALID("a 2xx or ack for an input that must be refused"),
    REFUSED_VALID("a 4xx or error frame for a valid input"),
    WRONG_COUNTS("an answer whose accepted/duplicates do not match what was stored"),
    STORED_DESPITE_REFUSAL("refused, yet events of it were stored"),
    STORED_VALUE_ALTERED("stored, but not the value that was sent"),
    NO_RESPONSE("no HTTP response: connection closed or timed out"),
    STREAM_UNANSWERED("a frame left unanswered while the socket stayed open"),
    STREAM_WRONG_ANSWER(
        "a stream answer that is not JSON, of the wrong type, or with the wrong seq"),
    STREAM_WRONG_CLOSE("a stream socket not closed with the code the protocol prescribes"),
    VALID_CLIENT_FAILED("a concurrent valid client did not get its 2xx/ack while poison was sent"),
    VALID_CLIENT_NOT_STORED_ONCE("a concurrent valid client's event not stored exactly once"),
    UNTRACED_EVENTS("events stored under ids no case sent (or generated ids miscounted)"),
    SHUTDOWN_HELD("the gateway could not stop within shutdown.timeout once the fuzz was over");

    final String meaning;

    Kind(String meaning) {
      this.meaning = meaning;
    }
  }

  /** One failure: its kind, the group it reports under (route and mutation), the full detail. */
  record Failure(Kind kind, String group, String detail) {}

  private final long seed;
  private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());

  FuzzFailures(long seed) {
    this.seed = seed;
  }

  void add(Kind kind, String group, String detail) {
    failures.add(new Failure(kind, group, detail + " [seed " + seed + "]"));
  }

  public boolean isEmpty() {
    return failures.isEmpty();
  }

  int size() {
    return failures.size();
  }

  /** The report: per kind, per group, the count and the first example. */
  public String report(String summary, int examplesPerKind) {
    Map<Kind, Map<String, List<Failure>>> grouped = new EnumMap<>(Kind.class);
    synchronized (failures) {
      for (Failure f : failures) {
        grouped
            .computeIfAbsent(f.kind(), k -> new LinkedHashMap<>())
            .computeIfAbsent(f.group(), g -> new ArrayList<>())
            .add(f);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(summary)
        .append("\n")
        .append(failures.size())
        .append(" failure(s); rerun with -Dfuzz.seed=")
        .append(seed)
        .append("\n");
    grouped.forEach(
        (kind, groups) -> {
          int count = groups.values().stream().mapToInt(List::size).sum();
          out.append("\n== ")
              .append(kind)
              .append(" (")
              .append(count)
              .append("): ")
              .append(kind.meaning)
              .append("\n");
          int shown = 0;
          for (Map.Entry<String, List<Failure>> group : groups.entrySet()) {
            out.append("  - ").append(group.getKey()).append(": ").append(group.getValue().size());
            if (shown++ < examplesPerKind) {
              out.append("\n      e.g. ").append(group.getValue().get(0).detail());
            }
            out.append("\n");
          }
        });
    return out.toString();
  }

  public void writeTo(Path file, String summary) throws IOException {
    StringBuilder all = new StringBuilder(report(summary, Integer.MAX_VALUE)).append("\n\nall:\n");
    synchronized (failures) {
      failures.forEach(f -> all.append(f.kind()).append(" | ").append(f.detail()).append("\n"));
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, all);
  }
}
