package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.access.RateLimit;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.handlers.hooks.Scheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SourcesLoaderTest {

  private static final long DEFAULT_BODY = 512 * 1024;
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static Sources parse(String yaml, Map<String, String> env) {
    return SourcesLoader.parse("sources.yaml", yaml, env, DEFAULT_BODY);
  }

  private static List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  @Test
  void should_read_webhook_and_api_sources_with_their_limits() {
    Sources sources =
        parse(
            """
            - id: github
              verify:
                scheme: github
                secrets:
                  - ${GH}
                  - ${GH_NEXT}
              map:
                userId: /sender/login
              max_body_size: 1MiB
              rate_limit: {rate: 5}
            - id: partner.v2
              verify: {scheme: hmac, secrets: s3cr3t, header: X-Sig, encoding: base64, prefix: "v1="}
              map: {type: "body.event"}
            - id: web
              kind: api
              write_keys: ["${WEB_KEY}", wk_literal]
              rate_limit: {rate: 0.5, burst: 3}
            """,
            Map.of("GH", "one", "GH_NEXT", "two", "WEB_KEY", "wk_env"));

    assertThat(sources.hooks()).extracting(HookSource::id).containsExactly("github", "partner.v2");
    HookSource github = sources.hooks().get(0);
    assertThat(github.scheme()).isEqualTo(Scheme.GITHUB);
    assertThat(github.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(github.mapping().maps("userId")).isTrue();
    assertThat(sources.hooks().get(1).maxBodyBytes()).isEqualTo(DEFAULT_BODY);
    assertThat(sources.sourceByWriteKey())
        .containsOnly(Map.entry("wk_env", "web"), Map.entry("wk_literal", "web"));
    assertThat(sources.writeKeys().sourceOf("wk_env")).contains("web");
    assertThat(sources.rateLimits())
        .containsOnly(
            Map.entry("github", new RateLimit(5, 5)), Map.entry("web", new RateLimit(0.5, 3)));
    assertThat(sources.toString()).doesNotContain("wk_env", "wk_literal", "one", "s3cr3t");
  }

  @Test
  void should_mean_no_sources_for_an_empty_or_absent_file() {
    assertThat(parse("# nothing yet\n", Map.of())).isEqualTo(Sources.none());
    assertThat(SourcesLoader.load(Path.of("no-such-sources.yaml"), Map.of(), DEFAULT_BODY))
        .isEqualTo(Sources.none());
  }

  @Test
  void should_name_an_unknown_scheme_with_file_line_and_column() {
    assertThat(
            problems(
                """
                - id: gh
                  verify:
                    scheme: githbu
                    secrets: [x]
                """))
        .containsExactly(
            "sources.yaml:3:13 source gh: verify.scheme: must be one of standard-webhooks,"
                + " github, stripe, shopify, hmac, api-key, was \"githbu\", did you mean"
                + " `github`?");
  }

  @Test
  void should_place_a_bad_cel_expression_inside_the_file() {
    assertThat(
            problems(
                """
                - id: gh
                  verify: {scheme: github, secrets: [x]}
                  map:
                    type: "'gh.' + headrs['x-github-event']"
                    userId: "body.sender.login > 1"
                """))
        .containsExactly(
            "sources.yaml:4:20 source gh: map.type: undeclared reference to 'headrs'",
            "sources.yaml:5:14 source gh: map.userId: must give a string, gives bool");
  }

  @Test
  void should_refuse_a_map_that_sets_the_source() {
    // a webhook's events are its source's: a map naming another could take that source's ids
    assertThat(
            problems(
                """
                - id: shop
                  verify: {scheme: api-key, secrets: [x]}
                  map: {type: "'order'", source: "'web'"}
                """))
        .containsExactly(
            "sources.yaml:3:26 source shop: map.source: unknown field (known: anonymousId,"
                + " context, id, properties, timestamp, type, userId)");
  }

  @Test
  void should_name_a_missing_secret_variable_without_showing_any_secret() {
    List<String> problems =
        problems(
            """
            - id: stripe
              verify:
                scheme: stripe
                secrets: ["${STRIPE_WEBHOOK_SECRET}", whsec_literal_secret]
            - id: sw
              verify: {scheme: standard-webhooks, secrets: [not*base64*secret]}
            """);
    assertThat(problems)
        .containsExactly(
            "sources.yaml:4:15 source stripe: verify.secrets[0]: environment variable"
                + " STRIPE_WEBHOOK_SECRET is not set",
            "sources.yaml:6:49 source sw: verify.secrets[0]: must be whsec_ followed by base64");
    assertThat(String.join("\n", problems)).doesNotContain("literal_secret", "not*base64");
  }

  @Test
  void should_require_a_type_where_the_scheme_has_none_and_the_fields_each_scheme_takes() {
    assertThat(
            problems(
                """
                - id: acme
                  verify: {scheme: hmac, secrets: [x]}
                - id: keyed
                  verify: {scheme: github, secrets: [x], tolerance: 5m}
                """))
        .containsExactly(
            "sources.yaml:2:11 source acme: verify.header: is required",
            "sources.yaml:4:42 source keyed: verify.tolerance: unknown field (known: scheme,"
                + " secrets)");
    assertThat(
            problems(
                """
                - id: acme
                  verify: {scheme: api-key, secrets: [x]}
                """))
        .containsExactly(
            "sources.yaml:1:3 source acme: map.type: is required with scheme api-key, which has no"
                + " default type");
  }

  @Test
  void should_refuse_duplicate_ids_shared_keys_and_fields_of_the_other_kind() {
    assertThat(
            problems(
                """
                - id: web
                  kind: api
                  write_keys: [k1]
                - id: web
                  kind: api
                  write_keys: [k2]
                  verify: {scheme: github, secrets: [x]}
                - id: mobile
                  kind: api
                  write_keys: [k3, k1]
                - id: hook
                  write_keys: [k4]
                  verify: {scheme: github, secrets: [x]}
                - id: bad id
                  kind: queue
                """))
        .containsExactly(
            "sources.yaml:4:7 source web: id: duplicate source id, first defined at"
                + " sources.yaml:1:7",
            "sources.yaml:7:3 source web: verify: only with kind: webhook, not api",
            "sources.yaml:10:20 source mobile: write_keys[1]: the same key is already a write key"
                + " of source web; a key belongs to one source",
            "sources.yaml:12:3 source hook: write_keys: only with kind: api, not webhook",
            "sources.yaml:14:7 sources[4]: id: must match [A-Za-z0-9._-]{1,64}, was \"bad id\"",
            "sources.yaml:15:9 sources[4]: kind: must be webhook or api, was \"queue\"");
  }

  @Test
  void should_check_rate_limits_and_body_sizes() {
    assertThat(
            problems(
                """
                - id: gh
                  verify: {scheme: github, secrets: [x]}
                  rate_limit: {rate: 0, burts: 2}
                  max_body_size: 100GiB
                """))
        .containsExactly(
            "sources.yaml:3:25 source gh: rate_limit.burts: unknown field, did you mean `burst`?",
            "sources.yaml:3:22 source gh: rate_limit.rate: must be > 0 requests per second, was"
                + " \"0\"",
            "sources.yaml:4:18 source gh: max_body_size: must be from 1KiB to 64MiB, was"
                + " \"100GiB\"");
  }

  @Test
  void should_read_the_body_limit_of_an_api_source() {
    Sources sources =
        parse(
            """
            - id: web
              kind: api
              write_keys: [wk_web]
              max_body_size: 64KiB
            - id: mobile
              kind: api
              write_keys: [wk_mobile]
            """,
            Map.of());

    assertThat(sources.apiMaxBodyBytes()).containsOnly(Map.entry("web", 64 * 1024));
  }

  @Test
  void should_refuse_an_api_body_limit_over_ingest_max_body_size() {
    assertThat(
            problems(
                """
                - id: web
                  kind: api
                  write_keys: [wk_web]
                  max_body_size: 1MiB
                """))
        .containsExactly(
            "sources.yaml:4:18 source web: max_body_size: must be from 1KiB to 512KiB"
                + " (ingest.max-body-size), was \"1MiB\"");
  }

  @Test
  void should_accept_a_standard_webhooks_secret_and_tolerance() {
    Sources sources =
        parse(
            """
            - id: sw
              verify: {scheme: standard-webhooks, secrets: [%s], tolerance: 2m}
            """
                .formatted(WHSEC),
            Map.of());
    assertThat(sources.hooks())
        .singleElement()
        .extracting(HookSource::scheme)
        .isEqualTo(Scheme.STANDARD_WEBHOOKS);
  }

  @Test
  void should_load_the_readme_example() throws Exception {
    Matcher example =
        Pattern.compile("<!-- example-config: sources -->\\s*```yaml\\n(.*?)\\n```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("..", "README.md")));
    assertThat(example.find()).isTrue();

    Sources sources =
        parse(example.group(1), Map.of("GITHUB_WEBHOOK_SECRET", "s", "WEB_WRITE_KEY", "wk"));

    assertThat(sources.hooks()).extracting(HookSource::id).containsExactly("github");
    assertThat(sources.sourceByWriteKey()).containsExactly(Map.entry("wk", "web"));
    assertThat(sources.rateLimits()).containsOnlyKeys("github", "web");
  }
}
