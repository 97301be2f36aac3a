package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.delivery.Destination;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The destinations file's payload and signing keys: secret rotation, headers, formats. */
class DestinationsLoaderPayloadsTest {

  private static final String OLD = "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==";
  private static final String NEW = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static Map<String, Destination> parse(String yaml, Map<String, String> env) {
    return DestinationsLoader.parse("destinations.yaml", yaml, env);
  }

  private static List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void should_read_two_secrets_while_rotating() {
    Map<String, Destination> destinations =
        parse(
            """
            - id: crm
              url: https://crm.example/hook
              secret: ["${CRM_SECRET}", "${CRM_SECRET_NEXT}"]
            - id: single
              url: https://crm.example/hook
              secret: ${CRM_SECRET}
            """,
            Map.of("CRM_SECRET", OLD, "CRM_SECRET_NEXT", NEW));

    assertThat(destinations.get("crm").secrets()).containsExactly(OLD, NEW);
    assertThat(destinations.get("single").secrets()).containsExactly(OLD);
    assertThat(destinations.get("crm").toString())
        .doesNotContain(OLD.substring(6, 16), NEW.substring(6, 16));
  }

  @Test
  void should_name_the_secret_of_a_rotation_that_is_invalid_without_echoing_it() {
    assertThat(
            problems(
                """
                - id: crm
                  url: https://crm.example/hook
                  secret: ["%s", "whsec_c2hvcnQ=", "${CRM_SECRET_3}"]
                - id: rotating
                  url: https://crm.example/hook
                  secret: ["%s", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
                - id: unset
                  url: https://crm.example/hook
                  secret: ["%s", "${CRM_SECRET_NEXT}"]
                """
                    .formatted(OLD, OLD, OLD),
                Map.of("CRM_SECRET_3", NEW)))
        .containsExactly(
            "destinations.yaml: destinations[0] (crm): secret: at most 2 secrets (the current and"
                + " the next, while rotating), had 3",
            "destinations.yaml: destinations[1] (rotating): secret[1]: must start with whsec_ and"
                + " hold base64",
            "destinations.yaml: destinations[2] (unset): secret[1]: environment variable"
                + " CRM_SECRET_NEXT is not set");
  }

  @Test
  void should_resolve_headers_from_the_environment_and_hide_their_values() {
    Destination klaviyo =
        parse(
                """
                - id: klaviyo
                  url: https://a.klaviyo.com/api/events
                  secret: %s
                  headers:
                    Authorization: "Klaviyo-API-Key ${KLAVIYO_KEY}"
                    revision: "${KLAVIYO_REVISION:-2024-10-15}"
                """
                    .formatted(OLD),
                Map.of("KLAVIYO_KEY", "pk_s3cr3t"))
            .get("klaviyo");

    assertThat(klaviyo.headers())
        .containsExactly(
            Map.entry("Authorization", "Klaviyo-API-Key pk_s3cr3t"),
            Map.entry("revision", "2024-10-15"));
    assertThat(klaviyo.toString())
        .contains("headers=[Authorization, revision]")
        .doesNotContain("pk_s3cr3t");
  }

  @Test
  void should_name_the_destination_and_the_header_of_every_header_problem() {
    List<String> problems =
        problems(
            """
            - id: klaviyo
              url: https://a.klaviyo.com/api/events
              secret: %s
              headers:
                Authorization: "Klaviyo-API-Key ${KLAVIYO_KEY}"
            - id: braze
              url: https://rest.iad-01.braze.com/users/track
              secret: %s
              headers: {webhook-signature: "v1,x", "Bad Name": "x", X-Empty: ""}
            - id: cio
              url: https://track.customer.io/api/v2/entity
              secret: %s
              headers: Bearer x
            """
                .formatted(OLD, OLD, OLD),
            Map.of());

    assertThat(problems)
        .containsExactly(
            "destinations.yaml: destinations[0] (klaviyo): headers.Authorization: environment"
                + " variable KLAVIYO_KEY is not set",
            "destinations.yaml: destinations[1] (braze): headers.webhook-signature: is set by"
                + " Tripline; reserved: [connection, content-length, host, transfer-encoding,"
                + " webhook-id, webhook-signature, webhook-timestamp]",
            "destinations.yaml: destinations[1] (braze): headers.Bad Name: must be an HTTP header"
                + " name (letters, digits, -)",
            "destinations.yaml: destinations[1] (braze): headers.X-Empty: must not be empty",
            "destinations.yaml: destinations[2] (cio): headers: must be a mapping such as"
                + " {Authorization: \"Bearer ${API_KEY}\"}");
  }

  @Test
  void should_refuse_a_header_value_that_would_split_the_request_without_echoing_it() {
    assertThat(
            problems(
                """
                - id: crm
                  url: https://crm.example/hook
                  secret: %s
                  headers: {X-Api-Key: "${CRM_KEY}"}
                """
                    .formatted(OLD),
                Map.of("CRM_KEY", "k3y\r\nX-Injected: 1")))
        .containsExactly(
            "destinations.yaml: destinations[0] (crm): headers.X-Api-Key: must be one line");
  }

  @Test
  void should_compile_a_template_and_name_the_destination_and_field_of_each_error() {
    assertThat(
            problems(
                """
                - id: crm
                  url: https://crm.example/hook
                  secret: %s
                  template:
                    user: detection.key.userId
                    when: detecton.detectedAt
                - id: slack
                  url: https://hooks.slack.com/services/T/B/X
                  secret: %s
                  format: slack
                  template: {text: "'hi'"}
                - id: empty
                  url: https://crm.example/hook
                  secret: %s
                  format: template
                """
                    .formatted(OLD, OLD, OLD),
                Map.of()))
        .containsExactly(
            "destinations.yaml: destinations[0] (crm): template.when: undeclared reference to"
                + " 'detecton' at 1:1",
            "destinations.yaml: destinations[1] (slack): template: only with format: template (or"
                + " no format), format is \"slack\"",
            "destinations.yaml: destinations[2] (empty): template: is required with format:"
                + " template");
  }

  @Test
  void should_not_expand_the_environment_inside_a_template() {
    Destination crm =
        parse(
                """
                - id: crm
                  url: https://crm.example/hook
                  secret: %s
                  template: {note: "'${HOME}'"}
                """
                    .formatted(OLD),
                Map.of("HOME", "/root"))
            .get("crm");

    assertThat(crm.format().wireName()).isEqualTo("template");
    assertThat(crm.template()).isPresent();
  }
}
