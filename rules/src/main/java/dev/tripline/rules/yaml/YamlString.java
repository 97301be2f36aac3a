package dev.tripline.rules.yaml;

import dev.tripline.rules.SourcePosition;

/**
 * A string read from YAML together with where it was, so that a later check (an unknown
 * destination, an invalid field path) can still point at the exact list item.
 *
 * @param value the string
 * @param path e.g. {@code notify[1]}, or {@code notify} when the value was a single string
 * @param position where the value starts
 */
public record YamlString(String value, String path, SourcePosition position) {}
