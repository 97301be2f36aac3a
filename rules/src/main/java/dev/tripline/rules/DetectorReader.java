package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import java.util.Optional;

/**
 * Reads and validates the options of one detector kind ({@code detect.<kind>: {...}}). One
 * implementation per kind, registered in {@link RuleReader#DETECTORS}: adding a kind is adding a
 * reader and a {@link DetectorSpec}.
 */
@FunctionalInterface
interface DetectorReader {

  /**
   * @param options the kind's mapping, whose problems go to its document
   * @param filters reads event filters ({@code on} + {@code where}) inside the options
   * @return the spec, or empty when any option was invalid (and reported)
   */
  Optional<DetectorSpec> read(YamlMapping options, FilterReader filters);

  /** Reads a nested {@code {on: [...], where: "..."}} mapping, compiling its CEL condition. */
  @FunctionalInterface
  interface FilterReader {

    /**
     * @param filter the mapping holding {@code on} and {@code where} (and nothing else)
     * @return the filter, or empty when it was invalid (and reported)
     */
    Optional<EventFilter> read(YamlMapping filter);
  }
}
