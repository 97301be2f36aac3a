package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.detectors.Detection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What a destination's payload settings (secrets, headers, format, template) put on the wire, and
 * what they keep out of records and logs.
 */
@ExtendWith(VertxExtension.class)
class DelivererPayloadsTest {

  private static final String CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String NEXT = "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==";
  private static final String API_KEY = "pk_live_5ecre7-api-key-4e2f";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");
  private static final Detection DETECTION = Detections.detection("det_1", "crm");
  private static final String WEBHOOK_ID = WebhookIds.of("det_1", "crm");
  private static final RetryPolicy RETRY = RetryPolicy.defaults().withRandom(() -> 0.5);

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private FakeClock clock;
  private ListAppender<ILoggingEvent> logs;
  private Level previousLevel;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    mongo = TestMongo.client(vertx, server);
    store = new MongoDeliveryStore(mongo);
    client = WebClient.create(vertx);
    clock = new FakeClock(T0);
    // everything the gateway logs, at every level, to look for the key in it
    Logger tripline = (Logger) LoggerFactory.getLogger("dev.tripline");
    previousLevel = tripline.getLevel();
    tripline.setLevel(Level.TRACE);
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.tripline")).setLevel(previousLevel);
    client.close();
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  private Deliverer deliverer(Destination destination) {
    return new Deliverer(
        vertx,
        client,
        store,
        new InMemoryCapStore(),
        Map.of(destination.id(), destination),
        DeliveryOptions.defaults().withRetry(RETRY).withPollInterval(Duration.ofMillis(20)),
        clock,
        new DeliveryObserver() {});
  }

  @Test
  void should_sign_with_both_secrets_while_rotating(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Destination crm =
                  Destination.of("crm", receiver.url(), List.of(CURRENT, NEXT), null, null)
                      .withAllowPrivate(true);
              Deliverer deliverer = deliverer(crm);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .map(
                      ignored -> {
                        Receiver.Request request = receiver.received().get(0);
                        String header = request.header("webhook-signature");
                        assertThat(header.split(" "))
                            .hasSize(2)
                            .allSatisfy(signature -> assertThat(signature).startsWith("v1,"));
                        for (String secret : List.of(CURRENT, NEXT)) {
                          assertThat(
                                  SpecVerifier.verifies(
                                      secret,
                                      request.header("webhook-id"),
                                      request.header("webhook-timestamp"),
                                      request.body(),
                                      header))
                              .as("signed with %s", secret.equals(CURRENT) ? "current" : "next")
                              .isTrue();
                        }
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_send_the_configured_headers_on_every_attempt_and_record_or_log_none(
      VertxTestContext ctx) {
    Receiver.start(vertx, 503, 200)
        .compose(
            receiver -> {
              Destination crm =
                  Destination.of("crm", receiver.url(), CURRENT, null, null)
                      .withAllowPrivate(true)
                      .withHeaders(
                          Map.of("Authorization", "Klaviyo-API-Key " + API_KEY, "revision", "2"));
              Deliverer deliverer = deliverer(crm);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(
                      ignored -> {
                        // past the schedule's first wait (5 s, +20 % jitter at most)
                        clock.advance(Duration.ofSeconds(7));
                        return deliverer.pollOnce();
                      })
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> mongo.find("deliveries", new JsonObject()))
                  .map(
                      documents -> {
                        assertThat(receiver.received())
                            .hasSize(2)
                            .allSatisfy(
                                request -> {
                                  assertThat(request.header("authorization"))
                                      .isEqualTo("Klaviyo-API-Key " + API_KEY);
                                  assertThat(request.header("revision")).isEqualTo("2");
                                  assertThat(
                                          SpecVerifier.verifies(
                                              CURRENT,
                                              WEBHOOK_ID,
                                              request.header("webhook-timestamp"),
                                              request.body(),
                                              request.header("webhook-signature")))
                                      .isTrue();
                                });
                        assertThat(documents).hasSize(1);
                        assertThat(documents.get(0).encode())
                            .contains("succeeded")
                            .doesNotContain(API_KEY);
                        assertThat(crm.toString())
                            .contains("headers=[")
                            .contains("Authorization")
                            .doesNotContain(API_KEY);
                        assertThat(logs.list).isNotEmpty();
                        assertThat(logs.list)
                            .allSatisfy(
                                event ->
                                    assertThat(event.getFormattedMessage())
                                        .doesNotContain(API_KEY));
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_let_the_headers_replace_the_content_type(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Destination crm =
                  Destination.of("crm", receiver.url(), CURRENT, null, null)
                      .withAllowPrivate(true)
                      .withHeaders(Map.of("Content-Type", "application/vnd.api+json"));
              Deliverer deliverer = deliverer(crm);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .map(
                      ignored -> {
                        assertThat(receiver.received())
                            .singleElement()
                            .extracting(request -> request.header("content-type"))
                            .isEqualTo("application/vnd.api+json");
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_send_the_format_s_body_and_content_type(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Destination klaviyo =
                  Destination.of("crm", receiver.url(), CURRENT, null, "klaviyo")
                      .withAllowPrivate(true);
              Deliverer deliverer = deliverer(klaviyo);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .map(
                      ignored -> {
                        Receiver.Request request = receiver.received().get(0);
                        assertThat(request.header("content-type"))
                            .isEqualTo("application/vnd.api+json");
                        assertThat(request.body())
                            .isEqualTo(
                                DeliveryPayloads.render(
                                    PayloadFormat.KLAVIYO, DETECTION, WEBHOOK_ID));
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_dead_letter_a_delivery_whose_template_fails_with_the_error_and_deliver_the_others(
      VertxTestContext ctx) {
    Detection both = Detections.detection("det_2", "crm", "mail");
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Destination crm =
                  Destination.of("crm", receiver.url(), CURRENT, null, null)
                      .withAllowPrivate(true)
                      .withTemplate(
                          PayloadTemplate.compile(Map.of("email", "detection.key.email")));
              Destination mail =
                  Destination.of("mail", receiver.url(), CURRENT, null, null)
                      .withAllowPrivate(true);
              Deliverer deliverer =
                  new Deliverer(
                      vertx,
                      client,
                      store,
                      new InMemoryCapStore(),
                      Map.of("crm", crm, "mail", mail),
                      DeliveryOptions.defaults().withRetry(RETRY),
                      clock,
                      new DeliveryObserver() {});
              return deliverer
                  .submit(both)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> store.find(WebhookIds.of("det_2", "crm")))
                  .compose(
                      crmDelivery -> {
                        assertThat(receiver.received()).hasSize(1);
                        DeliveryRecord dead = crmDelivery.orElseThrow();
                        assertThat(dead.status()).isEqualTo(DeliveryStatus.DEAD);
                        assertThat(dead.hasBody()).isFalse();
                        assertThat(dead.lastError())
                            .startsWith("cannot render body: template.email:")
                            .contains("detection.key.email");
                        assertThat(dead.history())
                            .singleElement()
                            .satisfies(
                                attempt -> {
                                  assertThat(attempt.outcome())
                                      .isEqualTo(AttemptOutcome.RENDER_FAILED);
                                  assertThat(attempt.error()).isEqualTo(dead.lastError());
                                  assertThat(attempt.httpStatus()).isNull();
                                });
                        assertThat(logs.list)
                            .extracting(ILoggingEvent::getFormattedMessage)
                            .anySatisfy(
                                message ->
                                    assertThat(message)
                                        .startsWith("give up webhook, cannot render body")
                                        .contains("destination: crm", "template.email"));
                        // nothing to send: a replay finds no body and leaves it dead
                        return deliverer
                            .replay(dead.id())
                            .compose(
                                replayed -> {
                                  assertThat(replayed).isFalse();
                                  return store.find(WebhookIds.of("det_2", "mail"));
                                });
                      })
                  .map(
                      mailDelivery -> {
                        assertThat(mailDelivery.orElseThrow().status())
                            .isEqualTo(DeliveryStatus.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }
}
