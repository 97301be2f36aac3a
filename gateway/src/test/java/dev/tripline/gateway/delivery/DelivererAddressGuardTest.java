package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard at send time: resolved addresses are checked, redirects are not followed. */
@ExtendWith(VertxExtension.class)
class DelivererAddressGuardTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");
  private static final String WEBHOOK_ID = WebhookIds.of("det_1", "crm");

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final List<String> dead = new CopyOnWriteArrayList<>();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();

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
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    client.close();
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  /** A resolver that answers every host name with these literal addresses, and counts lookups. */
  private static HostResolver stub(List<String> lookups, String... addresses) {
    return host -> {
      lookups.add(host);
      List<InetAddress> resolved = new ArrayList<>();
      try {
        for (String address : addresses) {
          resolved.add(InetAddress.getByName(address));
        }
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
      return Future.succeededFuture(resolved);
    };
  }

  private Deliverer deliverer(Destination crm, HostResolver resolver) {
    return new Deliverer(
        vertx,
        client,
        store,
        new InMemoryCapStore(),
        Map.of("crm", crm),
        DeliveryOptions.defaults(),
        new FakeClock(T0),
        new DeliveryObserver() {
          @Override
          public void addressRefused(String destination, String reason) {
            refused.add(destination + ": " + reason);
          }

          @Override
          public void deadLettered(String destination, String deliveryId, int attempts) {
            dead.add(destination + " " + deliveryId);
          }

          @Override
          public void attempted(String destination, AttemptOutcome outcome, Duration latency) {
            outcomes.add(destination + " " + outcome.wireName());
          }
        },
        resolver);
  }

  private static Destination crm(String url) {
    return Destination.of("crm", url, SECRET, Duration.ofSeconds(5), null);
  }

  private Future<DeliveryRecord> deliverOnce(Deliverer deliverer) {
    return deliverer
        .submit(Detections.detection("det_1", "crm"))
        .compose(ignored -> deliverer.whenIdle())
        .compose(ignored -> store.find(WEBHOOK_ID))
        .map(found -> found.orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "127.0.0.1",
        "::1",
        "10.0.0.7",
        "172.20.1.1",
        "192.168.1.1",
        "169.254.10.10",
        "169.254.169.254",
        "fd00:ec2::254",
        "fd12::1",
        "fe80::1",
        "100.64.1.1",
        "224.0.0.1",
        "0.0.0.0",
        "::ffff:10.0.0.7"
      })
  void should_refuse_a_host_resolving_to_an_internal_address(
      String address, Vertx vertx, VertxTestContext ctx) {
    List<String> lookups = new CopyOnWriteArrayList<>();
    Receiver.start(vertx)
        .compose(
            receiver ->
                deliverOnce(
                        deliverer(
                            crm("http://hooks.example:" + receiver.port() + "/hook"),
                            stub(lookups, address)))
                    .map(
                        record -> {
                          assertThat(lookups).containsExactly("hooks.example");
                          assertThat(receiver.received()).isEmpty();
                          // retrying cannot help until the configuration changes: dead at once
                          assertThat(record.status()).isEqualTo(DeliveryStatus.DEAD);
                          assertThat(record.lastError())
                              .startsWith(
                                  "address refused: hooks.example resolves to a private address")
                              .contains("allow_private")
                              .doesNotContain("/hook");
                          assertThat(record.history())
                              .singleElement()
                              .satisfies(
                                  attempt -> {
                                    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.REFUSED);
                                    assertThat(attempt.httpStatus()).isNull();
                                  });
                          assertThat(refused).hasSize(1);
                          assertThat(dead).containsExactly("crm " + WEBHOOK_ID);
                          assertThat(outcomes).containsExactly("crm refused");
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_refuse_a_dns_answer_mixing_public_and_private_addresses(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver ->
                deliverOnce(
                    deliverer(
                        crm("http://hooks.example:" + receiver.port() + "/hook"),
                        stub(new ArrayList<>(), "93.184.215.14", "10.0.0.7"))))
        .map(
            record -> {
              assertThat(record.lastError())
                  .isEqualTo(
                      "address refused: hooks.example resolves to a private address (private:"
                          + " 10.0.0.7); set allow_private: true to deliver there");
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_refuse_a_private_ip_literal_in_the_url_with_the_system_resolver(
      VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver ->
                deliverOnce(deliverer(crm(receiver.url()), HostResolver.system(vertx)))
                    .map(
                        record -> {
                          assertThat(receiver.received()).isEmpty();
                          assertThat(record.status()).isEqualTo(DeliveryStatus.DEAD);
                          assertThat(record.lastError())
                              .startsWith(
                                  "address refused: 127.0.0.1 resolves to a private address"
                                      + " (loopback: 127.0.0.1)");
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_connect_an_allowlisted_destination_to_the_checked_address_with_its_host_name(
      VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver ->
                deliverOnce(
                        deliverer(
                            crm("http://hooks.example:" + receiver.port() + "/hook")
                                .withAllowPrivate(true),
                            stub(new ArrayList<>(), "127.0.0.1")))
                    .map(
                        record -> {
                          assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                          assertThat(receiver.received())
                              .singleElement()
                              .satisfies(
                                  request ->
                                      assertThat(request.header("host"))
                                          .isEqualTo("hooks.example:" + receiver.port()));
                          assertThat(refused).isEmpty();
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** An HTTPS receiver with a self-signed certificate for {@code certifiedName}. */
  private Future<HttpServer> tlsReceiver(
      SelfSignedCertificate certificate, List<String> serverNames) {
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setSsl(true)
                .setSni(true)
                .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(
            request -> {
              serverNames.add(String.valueOf(request.connection().indicatedServerName()));
              request.response().setStatusCode(204).end();
            })
        .listen(0, "127.0.0.1");
  }

  private Future<DeliveryRecord> deliverOverTls(SelfSignedCertificate trusted, int port) {
    client.close();
    client =
        WebClient.create(vertx, new WebClientOptions().setTrustOptions(trusted.trustOptions()));
    return deliverOnce(
        deliverer(
            crm("https://hooks.example:" + port + "/hook").withAllowPrivate(true),
            stub(new ArrayList<>(), "127.0.0.1")));
  }

  @Test
  void should_verify_tls_against_the_url_host_sent_as_sni_while_connecting_to_the_checked_ip(
      VertxTestContext ctx) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("hooks.example");
    List<String> serverNames = new CopyOnWriteArrayList<>();
    tlsReceiver(certificate, serverNames)
        .compose(server -> deliverOverTls(certificate, server.actualPort()))
        .map(
            record -> {
              assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
              assertThat(serverNames).containsExactly("hooks.example");
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_refuse_a_certificate_for_another_name(VertxTestContext ctx) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("other.example");
    tlsReceiver(certificate, new CopyOnWriteArrayList<>())
        .compose(server -> deliverOverTls(certificate, server.actualPort()))
        .map(
            record -> {
              assertThat(record.status()).isEqualTo(DeliveryStatus.PENDING);
              assertThat(record.history())
                  .singleElement()
                  .extracting(AttemptRecord::httpStatus)
                  .isNull();
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_not_follow_a_redirect(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            target ->
                vertx
                    .createHttpServer()
                    .requestHandler(
                        request ->
                            request
                                .response()
                                .setStatusCode(307)
                                .putHeader("location", target.url())
                                .end())
                    .listen(0, "127.0.0.1")
                    .compose(
                        (HttpServer redirecting) ->
                            deliverOnce(
                                deliverer(
                                    crm("http://127.0.0.1:" + redirecting.actualPort() + "/hook")
                                        .withAllowPrivate(true),
                                    HostResolver.system(vertx))))
                    .map(
                        record -> {
                          assertThat(target.received()).isEmpty();
                          assertThat(record.status()).isNotEqualTo(DeliveryStatus.SUCCEEDED);
                          assertThat(record.history())
                              .singleElement()
                              .extracting(AttemptRecord::httpStatus)
                              .isEqualTo(307);
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
