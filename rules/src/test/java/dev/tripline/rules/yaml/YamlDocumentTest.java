package dev.tripline.rules.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.SourcePosition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

class YamlDocumentTest {

  private static List<String> problems(String yaml) {
    return YamlDocument.parse("f.yaml", yaml).problems().list().stream()
        .map(Problem::toString)
        .toList();
  }

  @Test
  void should_accept_an_empty_file_without_a_root() {
    YamlDocument document = YamlDocument.parse("f.yaml", "# nothing here\n");

    assertThat(document.root()).isEmpty();
    assertThat(document.problems().isEmpty()).isTrue();
  }

  @Test
  void should_report_every_duplicate_key_with_both_positions() {
    assertThat(problems("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"))
        .containsExactly(
            "f.yaml:4:3 b.c: duplicate key, first defined at f.yaml:3:3",
            "f.yaml:5:1 a: duplicate key, first defined at f.yaml:1:1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unclosed flow list | 'a: [1,\nb: 2' | f.yaml:2:5 invalid YAML: expected ',' or ']', but"
            + " got <stream end> (while parsing a flow sequence at 1:4)",
        "mapping in scalar | '- a: 1\n  b: : :\n' | f.yaml:2:6 invalid YAML: mapping values are not"
            + " allowed here",
        "tab indentation | '\ta: 1' | f.yaml:1:1 invalid YAML: found character '\\t(TAB)' that cannot"
            + " start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next"
            + " token)",
        "two documents | 'a: 1\n---\nb: 2\n' | f.yaml:2:1 invalid YAML: but found another document"
            + " (expected a single document in the stream at 1:1)"
      })
  void should_report_syntax_errors_at_the_marker(String name, String yaml, String expected) {
    assertThat(problems(yaml)).containsExactly(expected);
  }

  @Test
  void should_limit_aliases_so_that_a_billion_laughs_cannot_expand() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      yaml.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      yaml.append("]\n");
    }

    YamlDocument document = YamlDocument.parse("bomb.yaml", yaml.toString());

    assertThat(document.root()).isEmpty();
    assertThat(document.problems().list())
        .extracting(Problem::toString)
        .containsExactly(
            "bomb.yaml:1:1 invalid YAML: Number of aliases for non-scalar nodes exceeds the"
                + " specified max=50");
  }

  @Test
  void should_reject_a_recursive_alias_instead_of_looping() {
    YamlDocument document = YamlDocument.parse("f.yaml", "a: &x [1, *x]\n");

    assertThat(document.root()).isEmpty();
    assertThat(document.problems().list())
        .extracting(Problem::toString)
        .containsExactly("f.yaml:1:4 a[1]: recursive alias: a node must not contain itself");
  }

  @Test
  void should_reject_a_file_over_the_size_limit() {
    Problems problems = new Problems();

    YamlDocument.parse("big.yaml", "a: " + "x".repeat(100), problems, 50);

    assertThat(problems.list())
        .extracting(Problem::toString)
        .containsExactly(
            "big.yaml:1:1 invalid YAML: The incoming YAML document exceeds the limit: 50 code"
                + " points.");
  }

  @Test
  void should_reject_non_string_keys() {
    assertThat(problems("? [a, b]\n: 1\n"))
        .containsExactly("f.yaml:1:3 keys must be strings, was a list");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // yaml | offset in the value | expected line:col
        "plain | 'k: abc def' | 6 | 1:10",
        "plain start | 'k: abc def' | 0 | 1:4",
        "double quoted | 'k: \"abc def\"' | 4 | 1:9",
        "double quoted after escapes | 'k: \"a\\\"b\\u00e9 x\"' | 5 | 1:16",
        "single quoted after '' | 'k: ''it''''s x''' | 5 | 1:11",
        "literal block | 'k: |\n  ab\n  cd x\n' | 6 | 3:6",
        "folded block | 'k: >\n  ab\n  cd x\n' | 6 | 3:6",
        "multi-line plain | 'k: ab\n  cd x\n' | 6 | 2:6",
        "past the end | 'k: abc' | 99 | 1:7"
      })
  void should_map_an_offset_in_a_scalar_value_onto_the_file(
      String name, String yaml, int offset, String expected) {
    YamlDocument document = YamlDocument.parse("f.yaml", yaml);
    assertThat(document.problems().list()).isEmpty();
    ScalarNode value =
        (ScalarNode) ((MappingNode) document.root().orElseThrow()).getValue().get(0).getValueNode();

    SourcePosition position = document.position(value, offset);

    assertThat(position.line() + ":" + position.column()).isEqualTo(expected);
  }
}
