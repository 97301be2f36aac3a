package dev.tripline.rules;

import dev.tripline.rules.yaml.Problem;
import dev.tripline.rules.yaml.Problems;
import dev.tripline.rules.yaml.YamlDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Loads and validates rule files into a {@link RuleSet}, all or nothing.
 *
 * <p>Every {@code *.yaml} / {@code *.yml} file under the directory is read, recursively and in
 * sorted path order (which is the order of {@link RuleSet#rules()}). Files ending in {@code
 * .test.yaml} / {@code .test.yml} are rule fixtures, not rules, and hidden files and directories
 * (editor swap files, {@code .git}) are skipped. A file holds a list of rules or a single rule; an
 * empty file holds none.
 *
 * <p>Any problem in any file fails the whole load with a {@link RuleValidationException} listing
 * every problem, so that a reload never runs half a rule set.
 */
public final class RuleLoader {

  private RuleLoader() {}

  /**
   * Loads every rule file under {@code dir}.
   *
   * @param dir the rules directory; file names in messages start with it as given
   * @param knownDestinations the destination ids {@code notify:} may name
   * @throws RuleValidationException listing every problem, including a missing directory
   */
  public static RuleSet load(Path dir, Set<String> knownDestinations) {
    Loading loading = new Loading(knownDestinations);
    String dirName = slashes(dir.toString());
    if (!Files.isDirectory(dir)) {
      loading.problems.add(
          new RuleProblem(
              new SourcePosition(dirName, 0, 0),
              null,
              "",
              Files.exists(dir) ? "is not a directory" : "rules directory does not exist"));
      return loading.result();
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(file -> isRuleFile(dir, file))
              .sorted(Comparator.comparing(file -> slashes(dir.relativize(file).toString())))
              .toList();
    } catch (IOException | UncheckedIOException e) {
      loading.problems.add(
          new RuleProblem(
              new SourcePosition(dirName, 0, 0),
              null,
              "",
              "cannot read rules directory: " + e.getMessage()));
      return loading.result();
    }
    for (Path file : files) {
      String fileName = slashes(file.toString());
      try {
        loading.file(fileName, Files.readString(file));
      } catch (CharacterCodingException e) {
        loading.problems.add(
            new RuleProblem(new SourcePosition(fileName, 0, 0), null, "", "is not valid UTF-8"));
      } catch (IOException e) {
        loading.problems.add(
            new RuleProblem(
                new SourcePosition(fileName, 0, 0), null, "", "cannot read: " + e.getMessage()));
      }
    }
    return loading.result();
  }

  /**
   * Loads the rules of one file's text, for tests and tools.
   *
   * @throws RuleValidationException listing every problem
   */
  public static RuleSet loadText(String fileName, String yaml, Set<String> knownDestinations) {
    Loading loading = new Loading(knownDestinations);
    loading.file(fileName, yaml);
    return loading.result();
  }

  private static boolean isRuleFile(Path dir, Path file) {
    Path relative = dir.relativize(file);
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    String name = file.getFileName().toString();
    return Files.isRegularFile(file)
        && (name.endsWith(".yaml") || name.endsWith(".yml"))
        && !name.endsWith(".test.yaml")
        && !name.endsWith(".test.yml");
  }

  private static String slashes(String path) {
    return path.replace('\\', '/');
  }

  /** The state of one load: problems and rules so far, ids seen across files. */
  private static final class Loading {
    private final RuleReader reader;
    private final List<RuleProblem> problems = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, SourcePosition> ids = new HashMap<>();

    Loading(Set<String> knownDestinations) {
      this.reader = new RuleReader(CelConditions.create(), knownDestinations);
    }

    void file(String fileName, String text) {
      Problems found = new Problems();
      List<RuleProblem> fileProblems = new ArrayList<>();
      YamlDocument document = YamlDocument.parse(fileName, text, found);
      fileProblems.addAll(attribute(found.list(), null));
      Optional<Node> root = document.root();
      List<Node> items =
          root.isEmpty()
              ? List.of()
              : root.get() instanceof SequenceNode sequence
                  ? sequence.getValue()
                  : root.get() instanceof MappingNode ? List.of(root.get()) : null;
      if (items == null) {
        fileProblems.add(
            new RuleProblem(
                document.position(root.get()),
                null,
                "",
                "must be a list of rules, was " + YamlDocument.describe(root.get())));
        items = List.of();
      }
      for (Node item : items) {
        int before = found.size();
        Optional<RuleReader.Result> result =
            document.mapping(item, "").map(mapping -> reader.read(mapping));
        Optional<String> id = result.flatMap(RuleReader.Result::id);
        fileProblems.addAll(attribute(found.list().subList(before, found.size()), id.orElse(null)));
        result.ifPresent(r -> accept(r, fileProblems));
      }
      fileProblems.sort(
          Comparator.comparingInt((RuleProblem p) -> p.position().line())
              .thenComparingInt(p -> p.position().column()));
      problems.addAll(fileProblems);
    }

    private void accept(RuleReader.Result result, List<RuleProblem> out) {
      if (result.id().isEmpty()) {
        return;
      }
      String id = result.id().get();
      SourcePosition here = result.idPosition();
      SourcePosition first = ids.putIfAbsent(id, here);
      if (first != null) {
        out.add(
            new RuleProblem(
                here, id, "id", "duplicate rule id, first defined at " + Problem.format(first)));
        return;
      }
      if (result.enabled()) {
        result.rule().ifPresent(rules::add);
      }
    }

    private static List<RuleProblem> attribute(List<Problem> found, String id) {
      return found.stream()
          .map(p -> new RuleProblem(p.position(), id, p.path(), p.message()))
          .toList();
    }

    RuleSet result() {
      if (!problems.isEmpty()) {
        throw new RuleValidationException(problems);
      }
      return RuleSet.of(rules);
    }
  }
}
