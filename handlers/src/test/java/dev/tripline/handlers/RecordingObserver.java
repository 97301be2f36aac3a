package dev.tripline.handlers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the handlers report. */
final class RecordingObserver implements IngestObserver {

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger duplicates = new AtomicInteger();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final List<Duration> latencies = new CopyOnWriteArrayList<>();
  final List<String> verificationFailures = new CopyOnWriteArrayList<>();
  final List<String> rateLimited = new CopyOnWriteArrayList<>();

  @Override
  public void accepted(int n) {
    accepted.addAndGet(n);
  }

  @Override
  public void duplicates(int n) {
    duplicates.addAndGet(n);
  }

  @Override
  public void rejected(String reason) {
    rejected.add(reason);
  }

  @Override
  public void ingestLatency(Duration latency) {
    latencies.add(latency);
  }

  @Override
  public void verificationFailed(String source, String reason) {
    verificationFailures.add(source + ":" + reason);
  }

  @Override
  public void rateLimited(String scope, String source) {
    rateLimited.add(scope + ":" + source);
  }
}
