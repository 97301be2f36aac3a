package dev.tripline.gateway.backtest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The readable form of a {@link BacktestReport}: a header, one aligned row per rule and a total,
 * then notes on what a rule author should know (conditions that failed, keys evicted, timers still
 * open at the end, documents that are not events). With the live rules, each measure has a
 * candidate, a live and a difference column, and rules only in one set or changed are marked.
 */
public final class TextReport {

  private static final String ABSENT = "-";

  private TextReport() {}

  /** The report as text, ending with a newline. */
  public static String render(BacktestReport report) {
    StringBuilder out = new StringBuilder();
    RuleSetResult candidate = report.candidate();
    out.append("backtest of ").append(candidate.dir());
    report.live().ifPresent(live -> out.append(" against the live rules of ").append(live.dir()));
    out.append(", reading ").append(report.store()).append('\n');
    out.append("events with event time in [")
        .append(report.from())
        .append(", ")
        .append(report.to())
        .append("): ")
        .append(report.eventsRead())
        .append(" replayed\n\n");
    Table table =
        report.live().map(live -> compare(candidate, live)).orElseGet(() -> single(candidate));
    out.append(table.render());
    List<String> notes = notes(report);
    if (!notes.isEmpty()) {
      out.append("\nnotes:\n");
      notes.forEach(note -> out.append("  ").append(note).append('\n'));
    }
    return out.toString();
  }

  private static Table single(RuleSetResult rules) {
    Table table =
        new Table(List.of("rule", "kind", "detections", "keys", "webhooks"), Set.of(0, 1));
    for (RuleResult rule : rules.rules()) {
      table.row(
          rule.id(),
          rule.kind(),
          String.valueOf(rule.detections()),
          String.valueOf(rule.keys()),
          String.valueOf(rule.webhooks()));
    }
    table.row(
        "total",
        "",
        String.valueOf(rules.detections()),
        String.valueOf(rules.keys()),
        String.valueOf(rules.webhooks()));
    return table;
  }

  private static final List<String> MEASURES = List.of("detections", "keys", "webhooks");

  private static Table compare(RuleSetResult candidate, RuleSetResult live) {
    List<String> header = new ArrayList<>(List.of("rule", "kind"));
    for (int i = 0; i < MEASURES.size(); i++) {
      header.addAll(List.of("candidate", "live", "diff"));
    }
    header.add("");
    Table table = new Table(header, Set.of(0, 1, header.size() - 1));
    table.groups(2, 3, MEASURES);
    Set<String> ids = new LinkedHashSet<>();
    candidate.rules().forEach(rule -> ids.add(rule.id()));
    live.rules().forEach(rule -> ids.add(rule.id()));
    for (String id : ids) {
      Optional<RuleResult> c = candidate.rule(id);
      Optional<RuleResult> l = live.rule(id);
      List<String> row = new ArrayList<>();
      row.add(id);
      row.add(c.or(() -> l).map(RuleResult::kind).orElseThrow());
      addMeasure(row, c.map(RuleResult::detections), l.map(RuleResult::detections));
      addMeasure(row, c.map(RuleResult::keys), l.map(RuleResult::keys));
      addMeasure(row, c.map(RuleResult::webhooks), l.map(RuleResult::webhooks));
      row.add(mark(c, l));
      table.row(row.toArray(String[]::new));
    }
    List<String> total = new ArrayList<>(List.of("total", ""));
    addTotal(total, candidate, live, RuleSetResult::detections);
    addTotal(total, candidate, live, RuleSetResult::keys);
    addTotal(total, candidate, live, RuleSetResult::webhooks);
    total.add("");
    table.row(total.toArray(String[]::new));
    return table;
  }

  private static void addMeasure(List<String> row, Optional<Long> candidate, Optional<Long> live) {
    row.add(candidate.map(String::valueOf).orElse(ABSENT));
    row.add(live.map(String::valueOf).orElse(ABSENT));
    row.add(signed(candidate.orElse(0L) - live.orElse(0L)));
  }

  private static void addTotal(
      List<String> row,
      RuleSetResult candidate,
      RuleSetResult live,
      ToLongFunction<RuleSetResult> measure) {
    addMeasure(
        row, Optional.of(measure.applyAsLong(candidate)), Optional.of(measure.applyAsLong(live)));
  }

  private static String mark(Optional<RuleResult> candidate, Optional<RuleResult> live) {
    if (live.isEmpty()) {
      return "only in candidate";
    }
    if (candidate.isEmpty()) {
      return "only in live";
    }
    return candidate.get().version().equals(live.get().version()) ? "" : "changed";
  }

  private static String signed(long n) {
    return n > 0 ? "+" + n : String.valueOf(n);
  }

  private static List<String> notes(BacktestReport report) {
    List<String> notes = new ArrayList<>();
    if (report.documentsSkipped() > 0) {
      notes.add(
          report.documentsSkipped()
              + " stored document(s) in the range are not events and were skipped"
              + report.firstSkipped().map(reason -> " (first: " + reason + ")").orElse(""));
    }
    boolean compared = report.live().isPresent();
    ruleNotes(notes, compared ? "candidate " : "", report.candidate());
    report.live().ifPresent(live -> ruleNotes(notes, "live ", live));
    return notes;
  }

  private static void ruleNotes(List<String> notes, String set, RuleSetResult rules) {
    for (RuleResult rule : rules.rules()) {
      String at = set + rule.id() + ": ";
      if (rule.conditionErrors() > 0) {
        notes.add(
            at
                + "a condition failed on "
                + rule.conditionErrors()
                + " event(s), counted as no match");
      }
      if (rule.keysEvicted() > 0) {
        notes.add(
            at
                + rule.keysEvicted()
                + " key(s) evicted at detectors.max-keys-per-rule, their state lost");
      }
      if (rule.webhooksCapped() > 0) {
        notes.add(at + rule.webhooksCapped() + " webhook(s) held back by frequency caps");
      }
      if (rule.timersRefused() > 0) {
        notes.add(at + rule.timersRefused() + " start(s) refused: the rule held its most timers");
      }
      if (rule.newKeysRefused() > 0) {
        notes.add(
            at + rule.newKeysRefused() + " event(s) of new keys refused by the new_keys rate");
      }
      if (rule.timersPending() > 0) {
        notes.add(at + rule.timersPending() + " timer(s) still open at the end, due after it");
      }
    }
  }

  /**
   * Columns two spaces apart, text left-aligned and numbers right-aligned, under a header line and
   * optionally a line naming groups of columns.
   */
  private static final class Table {
    private static final int GAP = 2;
    private final List<String> header;
    private final Set<Integer> leftAligned;
    private final List<String[]> rows = new ArrayList<>();
    private int groupStart;
    private int groupSize;
    private List<String> groupNames = List.of();

    Table(List<String> header, Set<Integer> leftAligned) {
      this.header = header;
      this.leftAligned = leftAligned;
    }

    void groups(int start, int size, List<String> names) {
      this.groupStart = start;
      this.groupSize = size;
      this.groupNames = names;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    String render() {
      int[] widths = new int[header.size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = header.get(i).length();
        for (String[] row : rows) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      StringBuilder out = new StringBuilder();
      if (!groupNames.isEmpty()) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < groupStart; i++) {
          line.append(" ".repeat(widths[i] + GAP));
        }
        for (int g = 0; g < groupNames.size(); g++) {
          int span = -GAP;
          for (int i = 0; i < groupSize; i++) {
            span += widths[groupStart + g * groupSize + i] + GAP;
          }
          line.append(pad(groupNames.get(g), span, false)).append(" ".repeat(GAP));
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      line(out, header.toArray(String[]::new), widths);
      rows.forEach(row -> line(out, row, widths));
      return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          line.append(" ".repeat(GAP));
        }
        line.append(pad(cells[i], widths[i], !leftAligned.contains(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String text, int width, boolean right) {
      String fill = " ".repeat(Math.max(0, width - text.length()));
      return right ? fill + text : text + fill;
    }
  }
}
