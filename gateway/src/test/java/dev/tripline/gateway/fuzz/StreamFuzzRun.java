package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.FuzzClaim.Outcome;
import dev.tripline.gateway.fuzz.FuzzFailures.Kind;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Answer;
import dev.tripline.gateway.fuzz.StreamFuzzCase.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the stream fuzz cases: most on a few long-lived sockets (lanes), one message at a time,
 * each awaiting its answer; the rest on sockets of their own. Every message must get exactly one
 * answer of the right kind while the socket stays open, or the socket must close with the code the
 * protocol prescribes; nothing may go unanswered on an open socket. Runs on one Vert.x context.
 */
final class StreamFuzzRun {

  static final long ANSWER_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final NetClient net;
  private final int port;
  private final FuzzFailures failures;
  private final StreamAnswers answers;
  final List<FuzzClaim> claims = new ArrayList<>();
  private int next;

  StreamFuzzRun(Vertx vertx, NetClient net, int port, FuzzFailures failures) {
    this.vertx = vertx;
    this.net = net;
    this.port = port;
    this.failures = failures;
    this.answers = new StreamAnswers(failures);
  }

  Future<Void> run(List<StreamFuzzCase> laneCases, List<StreamFuzzCase> dedicated, int lanes) {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      all.add(new Lane(i, laneCases).run());
    }
    for (StreamFuzzCase c : dedicated) {
      all.add(runDedicated(c));
    }
    all.add(
        refusedUpgrades(dedicated.isEmpty() ? 0 : dedicated.get(dedicated.size() - 1).index() + 1));
    return Future.all(all).mapEmpty();
  }

  private final class Lane {
    final int id;
    final List<StreamFuzzCase> cases;
    FuzzSocket session;

    Lane(int id, List<StreamFuzzCase> cases) {
      this.id = id;
      this.cases = cases;
    }

    Future<Void> run() {
      if (next >= cases.size()) {
        return fence();
      }
      StreamFuzzCase c = cases.get(next++);
      return open()
          .compose(s -> exchange(s, c, c.messages().get(0)))
          .transform(
              done -> {
                if (done.failed()) {
                  failures.add(
                      Kind.STREAM_WRONG_CLOSE,
                      StreamAnswers.group(c),
                      c.describe() + " -> " + done.cause());
                }
                if (done.failed() || !done.result()) {
                  session = null;
                }
                return run();
              });
    }

    Future<FuzzSocket> open() {
      if (session != null && !session.ws.isClosed()) {
        return Future.succeededFuture(session);
      }
      return RawWebSocket.connect(net, port, "Bearer " + FuzzTemplate.KEY)
          .map(ws -> session = new FuzzSocket(vertx, ws));
    }

    /** A last valid frame per lane: answers still arriving before its ack are extra. */
    Future<Void> fence() {
      String fenceId = "fz-fence-" + id;
      String frame =
          new JsonObject().put("seq", fenceId).put("type", "fz.fence").put("id", fenceId).encode();
      StreamFuzzCase fence =
          new StreamFuzzCase(
              -1,
              "fence",
              "fence frame of lane " + id,
              false,
              true,
              false,
              List.of(
                  new Message(
                      List.of(RawWebSocket.Frame.text(frame)), Answer.ACK, fenceId, fenceId)),
              null,
              List.of(fenceId),
              0,
              0,
              null,
              FuzzDraft.NO_PROBE);
      return open()
          .compose(s -> exchange(s, fence, fence.messages().get(0)).compose(v -> s.ws.close()));
    }
  }

  /** Sends one message and judges what follows; false when the socket is no longer usable. */
  private Future<Boolean> exchange(FuzzSocket s, StreamFuzzCase c, Message m) {
    if (!s.received.isEmpty()) {
      failures.add(
          Kind.STREAM_WRONG_ANSWER,
          StreamAnswers.group(c),
          "extra answer(s) before " + c.describe() + ": " + s.received);
      s.received.clear();
    }
    return s.send(m)
        .transform(sent -> s.next(ANSWER_TIMEOUT_MS))
        .map(
            heard -> {
              if (heard.timedOut()) {
                if (m.answer() == Answer.NONE) {
                  failures.add(
                      Kind.STREAM_WRONG_CLOSE,
                      StreamAnswers.group(c),
                      c.describe()
                          + " -> no answer and still open after "
                          + ANSWER_TIMEOUT_MS
                          + " ms, expected close "
                          + c.close());
                } else {
                  failures.add(
                      Kind.STREAM_UNANSWERED,
                      StreamAnswers.group(c),
                      c.describe()
                          + " -> no answer within "
                          + ANSWER_TIMEOUT_MS
                          + " ms, socket open");
                }
                claims.add(StreamAnswers.claim(c, m, Outcome.UNKNOWN, null));
                return false;
              }
              if (heard.closed() != null) {
                boolean binaryRefused =
                    m.frames().get(0).opcode() == RawWebSocket.BINARY && heard.closed() == 1003;
                if (m.answer() != Answer.NONE && !binaryRefused) {
                  failures.add(
                      Kind.STREAM_WRONG_CLOSE,
                      StreamAnswers.group(c),
                      c.describe() + " -> closed with " + heard.closed() + " instead of answering");
                } else if (m.answer() == Answer.NONE
                    && !StreamAnswers.expectedClose(c, heard.closed())) {
                  failures.add(
                      Kind.STREAM_WRONG_CLOSE,
                      StreamAnswers.group(c),
                      c.describe()
                          + " -> closed with "
                          + heard.closed()
                          + ", expected "
                          + c.close());
                }
                claims.add(
                    StreamAnswers.claim(
                        c, m, binaryRefused ? Outcome.REFUSED : Outcome.UNKNOWN, null));
                return false;
              }
              if (m.answer() == Answer.NONE) {
                failures.add(
                    Kind.STREAM_WRONG_CLOSE,
                    StreamAnswers.group(c),
                    c.describe()
                        + " -> answered "
                        + FuzzJson.snippet(FuzzDraft.utf8(heard.text()), 200)
                        + " instead of closing with "
                        + c.close());
                // it had to close the socket: whatever it was answered, that is the one failure
                claims.add(StreamAnswers.claim(c, m, Outcome.UNKNOWN, null));
                return false;
              }
              JsonObject answer = answers.judge(c, m, heard.text());
              claims.add(StreamAnswers.claim(c, m, StreamAnswers.outcomeOf(answer), answer));
              return true;
            });
  }

  /**
   * Upgrades with bad credentials: a key that is not one is refused with 401 and no socket; a
   * header that names no key at all may open an unauthenticated socket, which must refuse events.
   */
  Future<Void> refusedUpgrades(int first) {
    List<String> credentials =
        List.of(
            "Bearer wk_wrong",
            "Bearer ",
            "Basic !!!",
            "Basic " + Base64.getEncoder().encodeToString("wk_wrong:".getBytes()),
            "Digest username=\"x\"",
            "Bearer " + "k".repeat(6000));
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < credentials.size(); i++) {
      String authorization = credentials.get(i);
      String shown =
          authorization.length() > 40 ? authorization.substring(0, 20) + "..." : authorization;
      String id = FuzzTemplate.id(first + i, 0);
      String frame =
          new JsonObject().put("seq", 1).put("type", "fz.upgrade").put("id", id).encode();
      StreamFuzzCase c =
          new StreamFuzzCase(
              first + i,
              "upgrade",
              "upgrade with Authorization: " + shown,
              true,
              false,
              false,
              List.of(new Message(List.of(RawWebSocket.Frame.text(frame)), Answer.ERROR, 1, id)),
              null,
              List.of(id),
              0,
              0,
              null,
              FuzzDraft.NO_PROBE);
      all.add(
          RawWebSocket.connect(net, port, authorization)
              .transform(
                  done -> {
                    if (done.succeeded()) {
                      FuzzSocket s = new FuzzSocket(vertx, done.result());
                      return exchange(s, c, c.messages().get(0)).compose(open -> s.ws.close());
                    }
                    String refusal = String.valueOf(done.cause().getMessage());
                    Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(refusal);
                    int code = status.find() ? Integer.parseInt(status.group(1)) : -1;
                    if (code != 401) {
                      failures.add(
                          code >= 500 ? Kind.SERVER_ERROR : Kind.STREAM_WRONG_CLOSE,
                          StreamAnswers.group(c),
                          c.describe() + " -> " + refusal + " (expected 401)");
                    }
                    return Future.succeededFuture();
                  }));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<Void> runDedicated(StreamFuzzCase c) {
    return RawWebSocket.connect(net, port, c.keyAtUpgrade() ? "Bearer " + FuzzTemplate.KEY : null)
        .map(ws -> new FuzzSocket(vertx, ws))
        .compose(
            s ->
                (c.pipelined() ? pipelined(s, c) : sequence(s, c, 0))
                    .compose(open -> finish(s, c, open)))
        .recover(
            err -> {
              failures.add(
                  Kind.STREAM_WRONG_CLOSE,
                  StreamAnswers.group(c),
                  c.describe() + " -> " + err.getMessage());
              return Future.succeededFuture();
            });
  }

  private Future<Boolean> sequence(FuzzSocket s, StreamFuzzCase c, int i) {
    if (i >= c.messages().size()) {
      return Future.succeededFuture(true);
    }
    return exchange(s, c, c.messages().get(i))
        .compose(open -> open ? sequence(s, c, i + 1) : Future.succeededFuture(false));
  }

  /** After the messages: await the expected close, or close normally. */
  private Future<Void> finish(FuzzSocket s, StreamFuzzCase c, boolean open) {
    if (!open
        || c.close() == null
        || c.messages().get(c.messages().size() - 1).answer() == Answer.NONE) {
      return s.ws.close();
    }
    return s.next(ANSWER_TIMEOUT_MS)
        .compose(
            heard -> {
              if (heard.closed() == null || !StreamAnswers.expectedClose(c, heard.closed())) {
                failures.add(
                    Kind.STREAM_WRONG_CLOSE,
                    StreamAnswers.group(c),
                    c.describe()
                        + " -> "
                        + (heard.closed() != null
                            ? "closed with " + heard.closed()
                            : heard.timedOut() ? "still open" : "answered " + heard.text())
                        + ", expected close "
                        + c.close());
              }
              return s.ws.close();
            });
  }

  /** Every message at once; each must be answered exactly once, matched by seq. */
  private Future<Boolean> pipelined(FuzzSocket s, StreamFuzzCase c) {
    Future<Void> sent = Future.succeededFuture();
    for (Message m : c.messages()) {
      sent = sent.compose(v -> s.send(m));
    }
    Map<Object, Message> bySeq = new HashMap<>();
    c.messages().forEach(m -> bySeq.put(m.seq(), m));
    return sent.compose(v -> collect(s, c, bySeq, c.messages().size()));
  }

  private Future<Boolean> collect(
      FuzzSocket s, StreamFuzzCase c, Map<Object, Message> waiting, int left) {
    if (left == 0) {
      return Future.succeededFuture(true);
    }
    return s.next(ANSWER_TIMEOUT_MS)
        .compose(
            heard -> {
              if (heard.text() == null) {
                failures.add(
                    Kind.STREAM_UNANSWERED,
                    StreamAnswers.group(c),
                    c.describe()
                        + " -> "
                        + waiting.size()
                        + " message(s) unanswered (seq "
                        + waiting.keySet()
                        + "), "
                        + (heard.timedOut() ? "socket open" : "closed " + heard.closed()));
                waiting
                    .values()
                    .forEach(m -> claims.add(StreamAnswers.claim(c, m, Outcome.UNKNOWN, null)));
                return Future.succeededFuture(false);
              }
              JsonObject answer = HttpFuzzRun.json(FuzzDraft.utf8(heard.text()));
              Message m = answer == null ? null : waiting.remove(answer.getValue("seq"));
              if (m == null) {
                failures.add(
                    Kind.STREAM_WRONG_ANSWER,
                    StreamAnswers.group(c),
                    c.describe() + " -> unexpected or repeated answer " + heard.text());
                return collect(s, c, waiting, left);
              }
              answers.judge(c, m, heard.text());
              claims.add(StreamAnswers.claim(c, m, StreamAnswers.outcomeOf(answer), answer));
              return collect(s, c, waiting, left - 1);
            });
  }
}
