package dev.tripline.rules.yaml;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for misspelt keys and ids: the closest known name within a Damerau-Levenshtein
 * distance of 2 (adjacent swaps count once), or else a name the input is a prefix of (or that is a
 * prefix of the input). Case is ignored, since {@code groupBy} for {@code group_by} is a typo too.
 */
public final class Suggestions {

  private static final int MAX_DISTANCE = 2;

  private Suggestions() {}

  /** The best suggestion for {@code input} among {@code candidates}, if any is close enough. */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    String needle = input.toLowerCase(Locale.ROOT);
    List<String> sorted = candidates.stream().sorted().toList();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : sorted) {
      int distance = distance(needle, candidate.toLowerCase(Locale.ROOT));
      // a distance as long as the input is a replacement, not a typo ("xy" is not "id")
      if (distance <= MAX_DISTANCE && distance < needle.length() && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    if (needle.length() < 2) {
      return Optional.empty();
    }
    for (String candidate : sorted) {
      String hay = candidate.toLowerCase(Locale.ROOT);
      if (hay.startsWith(needle) || needle.startsWith(hay)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@code ", did you mean `x`?"} or an empty string, to append to a message. */
  public static String didYouMean(String input, Collection<String> candidates) {
    return closest(input, candidates).map(s -> ", did you mean `" + s + "`?").orElse("");
  }

  /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
