package dev.tripline.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The enabled rules of one load, immutable, so a reload can swap a whole set atomically.
 *
 * <p>{@link #rulesFor} is on the per-event path: it is answered from an index by event type built
 * once here, each list in rule order, with rules that name no types included in every list.
 */
public final class RuleSet {

  private static final RuleSet EMPTY = new RuleSet(List.of());

  private final List<Rule> rules;
  private final Map<String, Rule> byId;
  private final Map<String, List<Rule>> byType;
  private final List<Rule> forAnyType;

  private RuleSet(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    Map<String, Rule> ids = new HashMap<>();
    List<Rule> anyType = new ArrayList<>();
    Map<String, List<Rule>> types = new LinkedHashMap<>();
    List<Set<String>> typesOfRules = new ArrayList<>();
    for (Rule rule : this.rules) {
      Rule previous = ids.putIfAbsent(rule.id(), rule);
      if (previous != null) {
        throw new IllegalArgumentException(
            "duplicate rule id "
                + rule.id()
                + " at "
                + rule.origin()
                + " and "
                + previous.origin());
      }
      Set<String> ruleTypes = rule.types();
      typesOfRules.add(ruleTypes);
      ruleTypes.forEach(type -> types.putIfAbsent(type, new ArrayList<>()));
    }
    // each type's list in rule order, the rules that name no type included in every list
    for (int i = 0; i < this.rules.size(); i++) {
      Rule rule = this.rules.get(i);
      Set<String> ruleTypes = typesOfRules.get(i);
      if (ruleTypes.isEmpty()) {
        anyType.add(rule);
        types.values().forEach(list -> list.add(rule));
      } else {
        ruleTypes.forEach(type -> types.get(type).add(rule));
      }
    }
    types.replaceAll((type, list) -> List.copyOf(list));
    this.byId = Map.copyOf(ids);
    this.byType = Map.copyOf(types);
    this.forAnyType = List.copyOf(anyType);
  }

  /**
   * A set of the given rules, in the given order.
   *
   * @throws IllegalArgumentException when two rules share an id
   */
  public static RuleSet of(List<Rule> rules) {
    return rules.isEmpty() ? EMPTY : new RuleSet(rules);
  }

  /** A set without rules. */
  public static RuleSet empty() {
    return EMPTY;
  }

  /** The enabled rules, in file order (files sorted by path). */
  public List<Rule> rules() {
    return rules;
  }

  /** The rules that look at events of {@code eventType}, in rule order. */
  public List<Rule> rulesFor(String eventType) {
    return byType.getOrDefault(eventType, forAnyType);
  }

  /** The event types some rule names; any other type meets only the rules that name none. */
  public Set<String> namedTypes() {
    return byType.keySet();
  }

  /** The rules that name no event type: every event meets them. */
  public List<Rule> rulesForAnyType() {
    return forAnyType;
  }

  /** The enabled rule with this id. */
  public Optional<Rule> rule(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** How many enabled rules there are. */
  public int size() {
    return rules.size();
  }

  @Override
  public String toString() {
    return "RuleSet" + rules.stream().map(Rule::id).toList();
  }
}
