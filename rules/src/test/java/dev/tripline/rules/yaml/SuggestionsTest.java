package dev.tripline.rules.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

  private static final List<String> KNOWN =
      List.of("id", "description", "on", "where", "detect", "group_by", "within", "threshold");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "wihtin, within",
    "withn, within",
    "groupBy, group_by",
    "treshold, threshold",
    "desc, description",
    "Detect, detect",
    "ids, id",
    "xy, ''",
    "notify, ''",
    "q, ''"
  })
  void should_suggest_the_closest_known_name(String input, String expected) {
    assertThat(Suggestions.closest(input, KNOWN).orElse("")).isEqualTo(expected);
  }
}
