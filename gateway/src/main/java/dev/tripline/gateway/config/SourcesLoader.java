package dev.tripline.gateway.config;

import dev.tripline.handlers.access.RateLimit;
import dev.tripline.handlers.hooks.ApiKeyVerifier;
import dev.tripline.handlers.hooks.EventMapping;
import dev.tripline.handlers.hooks.HmacVerifier;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.handlers.hooks.Scheme;
import dev.tripline.handlers.hooks.StandardWebhooksVerifier;
import dev.tripline.handlers.hooks.StripeVerifier;
import dev.tripline.handlers.hooks.WebhookVerifier;
import dev.tripline.rules.ConditionIssue;
import dev.tripline.rules.DataSizes;
import dev.tripline.rules.InvalidConditionException;
import dev.tripline.rules.SourcePosition;
import dev.tripline.rules.yaml.Problem;
import dev.tripline.rules.yaml.Problems;
import dev.tripline.rules.yaml.Suggestions;
import dev.tripline.rules.yaml.YamlDocument;
import dev.tripline.rules.yaml.YamlMapping;
import dev.tripline.rules.yaml.YamlString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the sources file: a YAML list of inbound sources, each with an {@code id} (the events'
 * {@code source}) and a {@code kind}.
 *
 * <ul>
 *   <li>{@code kind: webhook} (the default), served at {@code POST /hooks/{id}}: {@code verify:
 *       {scheme, secrets, tolerance, header, encoding, prefix}}, an optional {@code map} from the
 *       payload to the canonical event (CEL expressions or JSON pointers), {@code max_body_size}
 *       and {@code rate_limit: {rate, burst}}.
 *   <li>{@code kind: api}: {@code write_keys} for the HTTP API, bound to this source, {@code
 *       max_body_size} (at most {@code ingest.max-body-size}) and {@code rate_limit}.
 * </ul>
 *
 * <p>Secrets and keys may reference the environment as {@code ${NAME}} or {@code
 * ${NAME:-fallback}}. Everything is validated at once; each problem names {@code file:line:col},
 * the source and the field, and never shows a secret or a key.
 */
public final class SourcesLoader {

  private static final Set<String> COMMON_FIELDS = Set.of("id", "kind", "rate_limit");
  private static final Set<String> WEBHOOK_FIELDS = Set.of("verify", "map", "max_body_size");
  private static final Set<String> API_FIELDS = Set.of("write_keys", "max_body_size");
  private static final Set<String> RATE_FIELDS = Set.of("rate", "burst");
  private static final List<String> KINDS = List.of("webhook", "api");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final long MIN_BODY_SIZE = 1024;
  private static final long MAX_BODY_SIZE = 64L * 1024 * 1024;

  private SourcesLoader() {}

  /**
   * Loads and validates the sources.
   *
   * @param file the sources file; an absent file means no sources
   * @param env the environment, for {@code ${NAME}} references
   * @param defaultMaxBodyBytes the body limit of a webhook source that sets none
   * @throws ConfigException listing every problem
   */
  public static Sources load(Path file, Map<String, String> env, long defaultMaxBodyBytes) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Sources.none();
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(file.toString(), text, env, defaultMaxBodyBytes);
  }

  /** Parses sources from YAML text; {@code fileName} is used in messages. */
  public static Sources parse(
      String fileName, String text, Map<String, String> env, long defaultMaxBodyBytes) {
    YamlDocument document = YamlDocument.parse(fileName, text);
    List<String> problems = new ArrayList<>();
    Optional<Node> root = document.root();
    if (root.isEmpty() || isNullScalar(root.get())) {
      problems.addAll(format(document.problems().list(), ""));
      return done(problems, Sources.none());
    }
    if (!(root.get() instanceof SequenceNode entries)) {
      problems.addAll(format(document.problems().list(), ""));
      problems.add(Problem.format(document.position(root.get())) + " must be a list of sources");
      return done(problems, Sources.none());
    }
    Reading reading = new Reading(document, env, defaultMaxBodyBytes);
    int index = 0;
    for (Node entry : entries.getValue()) {
      int before = document.problems().size();
      Optional<String> id = reading.entry(entry);
      List<Problem> found = document.problems().list();
      problems.addAll(
          format(
              found.subList(before, found.size()),
              id.map(i -> "source " + i + ": ").orElse("sources[" + index + "]: ")));
      index++;
    }
    return done(problems, reading.result());
  }

  private static Sources done(List<String> problems, Sources sources) {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return sources;
  }

  private static List<String> format(List<Problem> problems, String label) {
    return problems.stream()
        .map(
            p ->
                Problem.format(p.position())
                    + " "
                    + label
                    + (p.path().isEmpty() ? "" : p.path() + ": ")
                    + p.message())
        .toList();
  }

  private static boolean isNullScalar(Node node) {
    return node instanceof ScalarNode scalar
        && scalar.getTag().equals(org.snakeyaml.engine.v2.nodes.Tag.NULL);
  }

  /** One pass over the entries, collecting what is valid. */
  private static final class Reading {
    private final YamlDocument document;
    private final Problems problems;
    private final Map<String, String> env;
    private final long defaultMaxBodyBytes;
    private final Map<String, SourcePosition> ids = new HashMap<>();
    private final Map<String, String> sourceByKey = new LinkedHashMap<>();
    private final List<HookSource> hooks = new ArrayList<>();
    private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
    private final Map<String, Integer> apiMaxBodyBytes = new LinkedHashMap<>();

    Reading(YamlDocument document, Map<String, String> env, long defaultMaxBodyBytes) {
      this.document = document;
      this.problems = document.problems();
      this.env = env;
      this.defaultMaxBodyBytes = defaultMaxBodyBytes;
    }

    Sources result() {
      return new Sources(hooks, sourceByKey, rateLimits, apiMaxBodyBytes);
    }

    /**
     * Reads one entry, adding it to the result when valid.
     *
     * @return its id when the id itself is valid, for labelling its problems
     */
    Optional<String> entry(Node node) {
      Optional<YamlMapping> read = document.mapping(node, "");
      if (read.isEmpty()) {
        return Optional.empty();
      }
      YamlMapping m = read.get();
      int before = problems.size();
      Optional<String> id = id(m);
      String kind = m.optionalString("kind").orElse("webhook");
      if (!KINDS.contains(kind)) {
        m.check("kind", false, "must be webhook or api");
        return id;
      }
      checkFields(m, kind.equals("api") ? API_FIELDS : WEBHOOK_FIELDS, kind);
      Optional<RateLimit> rateLimit = m.optionalMapping("rate_limit").flatMap(this::rateLimit);
      if (kind.equals("api")) {
        Map<String, String> keys = writeKeys(m, id.orElse(""));
        Optional<Long> maxBody = maxBodySize(m, defaultMaxBodyBytes, " (ingest.max-body-size)");
        if (problems.size() == before) {
          sourceByKey.putAll(keys);
          maxBody.ifPresent(size -> apiMaxBodyBytes.put(id.orElseThrow(), (int) (long) size));
          rateLimit.ifPresent(limit -> rateLimits.put(id.orElseThrow(), limit));
        }
        return id;
      }
      Optional<HookSource> hook = webhook(m, id.orElse("invalid"));
      if (problems.size() == before) {
        hooks.add(hook.orElseThrow());
        rateLimit.ifPresent(limit -> rateLimits.put(id.orElseThrow(), limit));
      }
      return id;
    }

    private Optional<String> id(YamlMapping m) {
      Optional<String> id = m.requiredString("id");
      if (id.isEmpty()) {
        return Optional.empty();
      }
      if (!m.check(
          "id", HookSource.ID.matcher(id.get()).matches(), "must match [A-Za-z0-9._-]{1,64}")) {
        return Optional.empty();
      }
      SourcePosition first = ids.putIfAbsent(id.get(), m.valuePosition("id"));
      if (first != null) {
        m.report("id", "duplicate source id, first defined at " + Problem.format(first));
      }
      return id;
    }

    /** Unknown fields, and fields of the other kind, each reported at its key. */
    private void checkFields(YamlMapping m, Set<String> ofKind, String kind) {
      Set<String> all = new TreeSet<>(COMMON_FIELDS);
      all.addAll(WEBHOOK_FIELDS);
      all.addAll(API_FIELDS);
      for (String key : m.keys()) {
        if (COMMON_FIELDS.contains(key) || ofKind.contains(key)) {
          continue;
        }
        if (all.contains(key)) {
          m.reportKey(
              key, "only with kind: " + (kind.equals("api") ? "webhook" : "api") + ", not " + kind);
        } else {
          m.reportKey(key, "unknown field" + Suggestions.didYouMean(key, all));
        }
      }
    }

    private Optional<RateLimit> rateLimit(YamlMapping limit) {
      int before = problems.size();
      limit.rejectUnknownKeys(RATE_FIELDS);
      Optional<Double> rate =
          limit
              .requiredNumber("rate", 0, 1_000_000)
              .filter(r -> limit.check("rate", r > 0, "must be > 0 requests per second"));
      Optional<Integer> burst = limit.optionalInt("burst", 1, 10_000_000);
      if (problems.size() > before || rate.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new RateLimit(rate.get(), burst.orElse(RateLimit.defaultBurst(rate.get()))));
    }

    /** The entry's write keys, each resolved from the environment, none shared with another. */
    private Map<String, String> writeKeys(YamlMapping m, String id) {
      Map<String, String> keys = new LinkedHashMap<>();
      Optional<List<YamlString>> written = m.requiredStrings("write_keys");
      if (written.isPresent() && written.get().isEmpty()) {
        m.report("write_keys", "must list at least one key");
      }
      for (YamlString item : written.orElse(List.of())) {
        Optional<String> key = secret(item);
        if (key.isEmpty()) {
          continue;
        }
        String owner = sourceByKey.get(key.get());
        if (owner != null || keys.containsKey(key.get())) {
          problems.add(
              item.position(),
              item.path(),
              "the same key is already a write key of source "
                  + (owner == null ? id : owner)
                  + "; a key belongs to one source");
          continue;
        }
        keys.put(key.get(), id);
      }
      return keys;
    }

    /** A secret or key, resolved; never echoed in a message. */
    private Optional<String> secret(YamlString item) {
      int before = problems.size();
      String value =
          EnvReferences.expand(
              item.value(),
              env,
              name ->
                  problems.add(
                      item.position(),
                      item.path(),
                      "environment variable " + name + " is not set"));
      if (problems.size() > before) {
        return Optional.empty();
      }
      if (value.isBlank()) {
        problems.add(item.position(), item.path(), "must not be empty");
        return Optional.empty();
      }
      return Optional.of(value);
    }

    private Optional<HookSource> webhook(YamlMapping m, String id) {
      int before = problems.size();
      Optional<YamlMapping> verify = m.requiredMapping("verify");
      Optional<Scheme> scheme = verify.flatMap(this::scheme);
      Optional<WebhookVerifier> verifier = verify.flatMap(v -> scheme.flatMap(s -> verifier(v, s)));
      Map<String, EventMapping.Value> explicit =
          m.optionalMapping("map").map(this::map).orElse(Map.of());
      scheme
          .filter(s -> !s.defaultMap().containsKey("type") && !explicit.containsKey("type"))
          .filter(s -> problems.size() == before)
          .ifPresent(
              s ->
                  problems.add(
                      m.position(),
                      "map.type",
                      "is required with scheme " + s.wireName() + ", which has no default type"));
      long maxBody = maxBodySize(m, MAX_BODY_SIZE, "").orElse(defaultMaxBodyBytes);
      if (problems.size() > before) {
        return Optional.empty();
      }
      return Optional.of(
          new HookSource(
              id,
              scheme.orElseThrow(),
              verifier.orElseThrow(),
              EventMapping.of(scheme.get(), explicit),
              (int) maxBody));
    }

    private Optional<Scheme> scheme(YamlMapping verify) {
      List<String> names = Arrays.stream(Scheme.values()).map(Scheme::wireName).toList();
      return verify
          .requiredString("scheme")
          .flatMap(
              name -> {
                Optional<Scheme> scheme = Scheme.byWireName(name);
                if (scheme.isEmpty()) {
                  verify.report(
                      "scheme",
                      "must be one of "
                          + String.join(", ", names)
                          + ", was "
                          + YamlDocument.quote(name)
                          + Suggestions.didYouMean(name, names));
                }
                return scheme;
              });
    }

    private Optional<WebhookVerifier> verifier(YamlMapping v, Scheme scheme) {
      int before = problems.size();
      Set<String> fields = new java.util.HashSet<>(Set.of("scheme", "secrets"));
      switch (scheme) {
        case STANDARD_WEBHOOKS, STRIPE -> fields.add("tolerance");
        case HMAC -> fields.addAll(Set.of("header", "encoding", "prefix"));
        case API_KEY -> fields.addAll(Set.of("header", "prefix"));
        default -> {}
      }
      v.rejectUnknownKeys(fields);
      List<String> secrets = secrets(v, scheme);
      Duration tolerance =
          v.optionalDuration("tolerance")
              .filter(t -> v.check("tolerance", !t.isZero() && !t.isNegative(), "must be > 0s"))
              .orElse(StandardWebhooksVerifier.DEFAULT_TOLERANCE);
      Optional<String> header =
          scheme == Scheme.HMAC
              ? v.requiredString("header").filter(h -> validHeader(v, h))
              : v.optionalString("header").filter(h -> validHeader(v, h));
      String prefix = v.optionalString("prefix").orElse("");
      HmacVerifier.Encoding encoding =
          v.optionalString("encoding")
              .flatMap(
                  e ->
                      Arrays.stream(HmacVerifier.Encoding.values())
                          .filter(c -> c.wireName().equals(e))
                          .findFirst()
                          .or(
                              () -> {
                                v.check("encoding", false, "must be hex or base64");
                                return Optional.empty();
                              }))
              .orElse(HmacVerifier.Encoding.HEX);
      if (problems.size() > before) {
        return Optional.empty();
      }
      return Optional.of(
          switch (scheme) {
            case STANDARD_WEBHOOKS -> new StandardWebhooksVerifier(secrets, tolerance);
            case GITHUB -> HmacVerifier.github(secrets);
            case STRIPE -> new StripeVerifier(secrets, tolerance);
            case SHOPIFY -> HmacVerifier.shopify(secrets);
            case HMAC -> new HmacVerifier(header.orElseThrow(), encoding, prefix, secrets);
            case API_KEY ->
                new ApiKeyVerifier(header.orElse(ApiKeyVerifier.DEFAULT_HEADER), prefix, secrets);
          });
    }

    private static boolean validHeader(YamlMapping v, String header) {
      return v.check("header", HEADER_NAME.matcher(header).matches(), "must be a header name");
    }

    /** {@code secrets}: one or more, resolved; for Standard Webhooks each must be whsec_ base64. */
    private List<String> secrets(YamlMapping v, Scheme scheme) {
      Optional<List<YamlString>> written = v.requiredStrings("secrets");
      if (written.isPresent() && written.get().isEmpty()) {
        v.report("secrets", "must list at least one secret");
      }
      List<String> secrets = new ArrayList<>();
      for (YamlString item : written.orElse(List.of())) {
        Optional<String> secret = secret(item);
        if (secret.isPresent() && scheme == Scheme.STANDARD_WEBHOOKS) {
          try {
            StandardWebhooksVerifier.decodeSecret(secret.get());
          } catch (IllegalArgumentException e) {
            problems.add(item.position(), item.path(), e.getMessage());
            continue;
          }
        }
        secret.ifPresent(secrets::add);
      }
      return secrets;
    }

    /** The source's own {@code map}, each value compiled, each CEL issue placed in the file. */
    private Map<String, EventMapping.Value> map(YamlMapping map) {
      map.rejectUnknownKeys(Set.copyOf(EventMapping.FIELDS));
      Map<String, EventMapping.Value> values = new LinkedHashMap<>();
      for (String field : EventMapping.FIELDS) {
        map.optionalScalar(field)
            .ifPresent(
                node -> {
                  try {
                    values.put(field, EventMapping.Value.compile(field, node.getValue()));
                  } catch (InvalidConditionException e) {
                    for (ConditionIssue issue : e.issues()) {
                      problems.add(
                          document.position(node, issue.offset()),
                          map.path(field),
                          issue.message());
                    }
                  }
                });
      }
      return values;
    }

    /**
     * @param max the largest size allowed
     * @param maxNamed what {@code max} is, when it comes from another setting
     */
    private Optional<Long> maxBodySize(YamlMapping m, long max, String maxNamed) {
      return m.optionalString("max_body_size")
          .flatMap(
              text -> {
                try {
                  long size = DataSizes.parse(text.strip());
                  if (m.check(
                      "max_body_size",
                      size >= MIN_BODY_SIZE && size <= max,
                      "must be from "
                          + DataSizes.format(MIN_BODY_SIZE)
                          + " to "
                          + DataSizes.format(max)
                          + maxNamed)) {
                    return Optional.of(size);
                  }
                } catch (IllegalArgumentException e) {
                  m.check("max_body_size", false, "must be " + DataSizes.ACCEPTED);
                }
                return Optional.empty();
              });
    }
  }
}
