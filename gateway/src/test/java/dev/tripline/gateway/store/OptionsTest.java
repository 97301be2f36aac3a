package dev.tripline.gateway.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.ext.mongo.WriteOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionsTest {

  static Stream<Arguments> invalidOptions() {
    Duration second = Duration.ofSeconds(1);
    return Stream.of(
        Arguments.of(
            (Runnable) () -> new WriterOptions(0, 1, 1, second),
            "queueCapacity: must be > 0, was 0"),
        Arguments.of(
            (Runnable) () -> new WriterOptions(1, -1, 1, second),
            "maxBatchEvents: must be > 0, was -1"),
        Arguments.of(
            (Runnable) () -> new WriterOptions(1, 1, 0, second),
            "maxConcurrentWrites: must be > 0, was 0"),
        Arguments.of(
            (Runnable) () -> new WriterOptions(1, 1, 1, Duration.ZERO),
            "retryAfter: must be > 0s, was PT0S"),
        Arguments.of(
            (Runnable) () -> new RetentionOptions(Duration.ZERO, second),
            "interval: must be >= 1ms, was PT0S"),
        Arguments.of(
            (Runnable) () -> new RetentionOptions(second, Duration.ofDays(-1)),
            "maxAge: must be > 0s, was PT-24H"),
        Arguments.of(
            (Runnable) () -> new EventStoreOptions(" ", second, WriteOption.MAJORITY),
            "collection: must not be blank, was \" \""),
        Arguments.of(
            (Runnable) () -> new EventStoreOptions("events", Duration.ZERO, WriteOption.MAJORITY),
            "operationTimeout: must be > 0s, was PT0S"),
        Arguments.of(
            (Runnable) () -> new EventStoreOptions("events", second, WriteOption.UNACKNOWLEDGED),
            "writeConcern: must acknowledge writes, was UNACKNOWLEDGED"));
  }

  @ParameterizedTest
  @MethodSource("invalidOptions")
  void should_name_the_option_the_value_and_the_constraint(Runnable create, String message) {
    assertThatThrownBy(create::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
