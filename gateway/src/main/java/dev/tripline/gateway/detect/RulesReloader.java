package dev.tripline.gateway.detect;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectionEngine.StateFate;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleProblem;
import dev.tripline.rules.RuleSet;
import dev.tripline.rules.RuleValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the rules directory: watched for changes (polled every {@code watchInterval}) and
 * reloadable on demand (the admin API).
 *
 * <p>A reload loads and validates the whole directory first; an invalid change leaves the running
 * rule set untouched and is reported (log, metric {@code tripline_rules_reloads_total{outcome=
 * "invalid"}}, the admin API's last report, with every error). A valid one builds a new engine that
 * takes over the detectors of rules whose id, version and fingerprint did not change, with their
 * windows and timers; every other rule starts empty, and the persisted timers of changed and
 * removed rules are deleted. The swap happens on the pipeline's context between two events. The
 * report says, per rule, {@code added}, {@code unchanged} (state kept), {@code changed} (state
 * reset) or {@code removed}.
 *
 * <p>Reloads never overlap: one that is asked for while another runs waits for it. Destinations are
 * read at start only; a rule naming a destination the gateway does not know is invalid.
 */
public final class RulesReloader {

  private static final Logger log = LoggerFactory.getLogger(RulesReloader.class);

  private final Vertx vertx;
  private final Path dir;
  private final Set<String> destinations;
  private final DetectionPipeline pipeline;
  private final MongoTimerStore timers;
  private final BiFunction<List<Rule>, DetectionEngine, DetectionEngine> engines;
  private final Consumer<String> outcomes;
  private final InstantSource clock;

  private volatile RuleSet rules;
  private volatile JsonObject lastReport;
  private Future<JsonObject> running = Future.succeededFuture();
  private String signature;
  private long watcher = -1;

  /**
   * @param rules the rule set the pipeline's engine was built from
   * @param engines builds the engine of a new rule set, taking over from the previous engine
   * @param outcomes told each reload's outcome: {@code applied}, {@code unchanged}, {@code invalid}
   */
  public RulesReloader(
      Vertx vertx,
      Path dir,
      Set<String> destinations,
      RuleSet rules,
      DetectionPipeline pipeline,
      MongoTimerStore timers,
      BiFunction<List<Rule>, DetectionEngine, DetectionEngine> engines,
      Consumer<String> outcomes,
      InstantSource clock) {
    this.vertx = vertx;
    this.dir = dir;
    this.destinations = Set.copyOf(destinations);
    this.rules = rules;
    this.pipeline = pipeline;
    this.timers = timers;
    this.engines = engines;
    this.outcomes = outcomes;
    this.clock = clock;
    JsonArray loaded = new JsonArray();
    rules.rules().forEach(rule -> loaded.add(entry(rule, "added", "new")));
    this.lastReport = report("start", "applied").put("rules", loaded);
  }

  /** The rule set running now. */
  public RuleSet rules() {
    return rules;
  }

  /** The report of the last reload (or of the load at start). */
  public JsonObject lastReport() {
    return lastReport.copy();
  }

  /**
   * Starts watching the directory; a no-op for a zero interval. The first check only records the
   * directory's state.
   */
  public Future<Void> watch(Duration interval) {
    if (interval.isZero()) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(this::scan)
        .map(
            first -> {
              signature = first;
              watcher = vertx.setPeriodic(interval.toMillis(), t -> check());
              return null;
            });
  }

  /** Stops watching. */
  public void close() {
    if (watcher >= 0) {
      vertx.cancelTimer(watcher);
    }
  }

  /** Reloads now; the future has the report, whatever the outcome. */
  public synchronized Future<JsonObject> reload(String trigger) {
    Future<JsonObject> next = running.transform(previous -> load(trigger));
    running = next;
    return next;
  }

  private void check() {
    vertx
        .executeBlocking(this::scan)
        .onSuccess(
            now -> {
              if (!now.equals(signature)) {
                signature = now;
                reload("watch");
              }
            })
        .onFailure(e -> log.warn("cannot scan rules directory [dir: {}, cause: {}]", dir, e));
  }

  private Future<JsonObject> load(String trigger) {
    return vertx
        .executeBlocking(() -> RuleLoader.load(dir, destinations))
        .compose(
            loaded ->
                pipeline
                    .replaceEngine(current -> engines.apply(loaded.rules(), current))
                    .compose(
                        replaced ->
                            pipeline.withEngine(
                                engine -> applied(trigger, loaded, replaced, engine))))
        .recover(
            failure -> {
              JsonObject report = report(trigger, "invalid");
              JsonArray errors = new JsonArray();
              if (failure instanceof RuleValidationException invalid) {
                invalid.problems().stream().map(RuleProblem::toString).forEach(errors::add);
              } else {
                errors.add(String.valueOf(failure.getMessage()));
              }
              report.put("errors", errors);
              log.error(
                  "keep running rules, reload is invalid [trigger: {}, errors: {}]\n{}",
                  trigger,
                  errors.size(),
                  String.join("\n", errors.stream().map(String::valueOf).toList()));
              return Future.succeededFuture(done(report));
            });
  }

  /** Runs on the pipeline's context, right after the swap. */
  private JsonObject applied(
      String trigger, RuleSet loaded, DetectionEngine previous, DetectionEngine engine) {
    Map<String, Rule> before = new LinkedHashMap<>();
    previous.rules().forEach(rule -> before.put(rule.id(), rule));
    JsonArray entries = new JsonArray();
    boolean changed = false;
    for (Map.Entry<String, StateFate> fate : engine.fates().entrySet()) {
      Rule rule = loaded.rule(fate.getKey()).orElseThrow();
      switch (fate.getValue()) {
        case KEPT -> entries.add(entry(rule, "unchanged", "kept"));
        case NEW -> {
          entries.add(entry(rule, "added", "new"));
          changed = true;
        }
        case RESET -> {
          entries.add(entry(rule, "changed", "reset"));
          timers.deleteRule(rule.id());
          changed = true;
        }
      }
    }
    for (String removed : engine.removedRules()) {
      Rule rule = before.get(removed);
      entries.add(entry(rule, "removed", "dropped"));
      timers.deleteRule(removed);
      changed = true;
    }
    rules = loaded;
    JsonObject report = report(trigger, changed ? "applied" : "unchanged").put("rules", entries);
    log.info(
        "reload rules [trigger: {}, outcome: {}, rules: {}]",
        trigger,
        report.getString("outcome"),
        entries.stream()
            .map(e -> ((JsonObject) e).getString("id") + "=" + ((JsonObject) e).getString("change"))
            .toList());
    return done(report);
  }

  private JsonObject done(JsonObject report) {
    lastReport = report;
    outcomes.accept(report.getString("outcome"));
    return report.copy();
  }

  private JsonObject report(String trigger, String outcome) {
    return new JsonObject()
        .put("outcome", outcome)
        .put("trigger", trigger)
        .put("at", clock.instant().toString());
  }

  private static JsonObject entry(Rule rule, String change, String state) {
    return new JsonObject()
        .put("id", rule.id())
        .put("version", rule.version())
        .put("change", change)
        .put("state", state);
  }

  /** Names, sizes and modification times of every file under the directory, in order. */
  private String scan() {
    if (!Files.isDirectory(dir)) {
      return "missing";
    }
    try (Stream<Path> files = Files.walk(dir)) {
      StringBuilder out = new StringBuilder();
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.append(file)
            .append('|')
            .append(Files.size(file))
            .append('|')
            .append(Files.getLastModifiedTime(file).toMillis())
            .append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
