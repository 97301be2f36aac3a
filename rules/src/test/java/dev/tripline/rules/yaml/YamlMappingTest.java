package dev.tripline.rules.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlMappingTest {

  private static YamlMapping mapping(String yaml) {
    YamlDocument document = YamlDocument.parse("c.yaml", yaml);
    assertThat(document.problems().list()).isEmpty();
    return document.mapping(document.root().orElseThrow(), "server").orElseThrow();
  }

  private static List<String> problems(YamlMapping mapping) {
    return mapping.document().problems().list().stream().map(Problem::toString).toList();
  }

  @Test
  void should_read_typed_values() {
    YamlMapping m =
        mapping(
            "name: web\nport: 8080\ntls: false\ntimeout: 1m30s\nhosts: [a, b]\n"
                + "host: c\nnested: {x: 1}\nsteps: [{on: a}, {on: b}]\nblank:\n");

    assertThat(m.requiredString("name")).contains("web");
    assertThat(m.requiredInt("port", 1, 65535)).contains(8080);
    assertThat(m.optionalBoolean("tls")).contains(false);
    assertThat(m.requiredDuration("timeout")).contains(Duration.ofSeconds(90));
    assertThat(m.optionalStrings("hosts").orElseThrow())
        .extracting(YamlString::value, YamlString::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "server.hosts[0]"),
            org.assertj.core.groups.Tuple.tuple("b", "server.hosts[1]"));
    assertThat(m.optionalStrings("host").orElseThrow())
        .extracting(YamlString::value)
        .containsExactly("c");
    assertThat(m.optionalMapping("nested").orElseThrow().path()).isEqualTo("server.nested");
    assertThat(m.optionalMappings("steps").orElseThrow()).hasSize(2);
    assertThat(m.requiredMappings("steps", step -> step.optionalString("on")).orElseThrow())
        .containsExactly("a", "b");
    assertThat(m.optionalInts("port", 1, 65535).orElseThrow()).containsExactly(8080);
    assertThat(m.optionalString("blank")).isEmpty();
    assertThat(m.optionalString("absent")).isEmpty();
    assertThat(problems(m)).isEmpty();
  }

  static Stream<Arguments> wrongValues() {
    return Stream.of(
        Arguments.of(
            "count: twenty",
            read(m -> m.requiredInt("count", 1, 1_000_000)),
            "c.yaml:1:8 server.count: must be an integer >= 1, was \"twenty\""),
        Arguments.of(
            "count: 0",
            read(m -> m.requiredInt("count", 1, 1_000_000)),
            "c.yaml:1:8 server.count: must be an integer >= 1, was \"0\""),
        Arguments.of(
            "count: 1000001",
            read(m -> m.requiredInt("count", 1, 1_000_000)),
            "c.yaml:1:8 server.count: must be an integer <= 1000000, was \"1000001\""),
        Arguments.of(
            "count: 99999999999999999999",
            read(m -> m.requiredInt("count", 1, 1_000_000)),
            "c.yaml:1:8 server.count: must be an integer >= 1, was \"99999999999999999999\""),
        Arguments.of(
            "count: [1]",
            read(m -> m.requiredInt("count", 1, 10)),
            "c.yaml:1:8 server.count: must be an integer >= 1, was a list"),
        Arguments.of(
            "other: 1",
            read(m -> m.requiredInt("count", 1, 10)),
            "c.yaml:1:1 server.count: is required"),
        Arguments.of(
            "tls: yes",
            read(m -> m.optionalBoolean("tls")),
            "c.yaml:1:6 server.tls: must be true or false, was \"yes\""),
        Arguments.of(
            "timeout: 10",
            read(m -> m.requiredDuration("timeout")),
            "c.yaml:1:10 server.timeout: must be a duration such as 500ms, 60s, 5m, 1h, 30d or"
                + " 1h30m (units d, h, m, s, ms; largest first), was \"10\""),
        Arguments.of(
            "name: {a: 1}",
            read(m -> m.requiredString("name")),
            "c.yaml:1:7 server.name: must be a string, was a mapping"),
        Arguments.of(
            "hosts: {a: 1}",
            read(m -> m.optionalStrings("hosts")),
            "c.yaml:1:8 server.hosts: must be a string or a list of strings, was a mapping"),
        Arguments.of(
            "hosts: [a, [b]]",
            read(m -> m.optionalStrings("hosts")),
            "c.yaml:1:12 server.hosts[1]: must be a string, was a list"),
        Arguments.of(
            "nested: 3",
            read(m -> m.optionalMapping("nested")),
            "c.yaml:1:9 server.nested: must be a mapping, was \"3\""),
        Arguments.of(
            "steps:\n  - a\n",
            read(m -> m.optionalMappings("steps")),
            "c.yaml:2:5 server.steps[0]: must be a mapping, was \"a\""),
        Arguments.of(
            "steps: {on: a}",
            read(m -> m.requiredMappings("steps", Optional::of)),
            "c.yaml:1:8 server.steps: must be a list of mappings, was a mapping"),
        Arguments.of(
            "other: 1",
            read(m -> m.requiredMappings("steps", Optional::of)),
            "c.yaml:1:1 server.steps: is required"),
        Arguments.of(
            "at: [2, 9]",
            read(m -> m.optionalInts("at", 2, 4)),
            "c.yaml:1:9 server.at[1]: must be an integer <= 4, was \"9\""),
        Arguments.of(
            "at: {x: 1}",
            read(m -> m.optionalInts("at", 2, 4)),
            "c.yaml:1:5 server.at: must be an integer >= 2, was a mapping"),
        Arguments.of(
            "within: 0s",
            read(
                m ->
                    m.requiredDuration("within")
                        .filter(d -> m.check("within", !d.isZero(), "must be > 0s"))),
            "c.yaml:1:9 server.within: must be > 0s, was \"0s\""));
  }

  private static Function<YamlMapping, Optional<?>> read(Function<YamlMapping, Optional<?>> f) {
    return f;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void should_report_what_was_expected_and_what_was_found(
      String yaml, Function<YamlMapping, Optional<?>> reader, String expected) {
    YamlMapping m = mapping(yaml);

    assertThat(reader.apply(m)).isEmpty();
    assertThat(problems(m)).containsExactly(expected);
  }

  @Test
  void should_read_every_item_of_a_list_of_mappings_so_that_all_problems_show() {
    YamlMapping m = mapping("steps:\n  - {on: a, x: 1}\n  - b\n  - {on: c, y: 2}\n");

    Optional<List<String>> read =
        m.requiredMappings(
            "steps",
            step -> {
              step.rejectUnknownKeys(Set.of("on"));
              return step.optionalString("on");
            });

    assertThat(read).isEmpty();
    assertThat(problems(m))
        .containsExactly(
            "c.yaml:2:13 server.steps[0].x: unknown field (known: on)",
            "c.yaml:3:5 server.steps[1]: must be a mapping, was \"b\"",
            "c.yaml:4:13 server.steps[2].y: unknown field (known: on)");
  }

  @Test
  void should_read_an_integer_or_a_list_of_integers_reporting_each_bad_item() {
    YamlMapping m = mapping("one: 3\nmany: [2, 4]\nbad: [x, 3, 9]\n");

    assertThat(m.optionalInts("one", 2, 4)).contains(List.of(3));
    assertThat(m.optionalInts("many", 2, 4)).contains(List.of(2, 4));
    assertThat(m.optionalInts("absent", 2, 4)).isEmpty();
    assertThat(m.optionalInts("bad", 2, 4)).isEmpty();
    assertThat(problems(m))
        .containsExactly(
            "c.yaml:3:7 server.bad[0]: must be an integer >= 2, was \"x\"",
            "c.yaml:3:13 server.bad[2]: must be an integer <= 4, was \"9\"");
  }

  @Test
  void should_report_each_unknown_key_with_a_suggestion_or_the_known_keys() {
    YamlMapping m = mapping("grup_by: [ip]\ncount: 1\nfoo: 2\n");

    m.rejectUnknownKeys(Set.of("group_by", "count", "within"));

    assertThat(problems(m))
        .containsExactly(
            "c.yaml:1:1 server.grup_by: unknown field, did you mean `group_by`?",
            "c.yaml:3:1 server.foo: unknown field (known: count, group_by, within)");
  }
}
