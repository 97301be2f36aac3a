package dev.tripline.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.DetectorSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DetectorFactoryTest {

  private final DetectorFactory factory =
      new DetectorFactory(
          new FakeClock(Instant.EPOCH), DetectorLimits.defaults(), EngineObserver.NOOP);

  /** Stands in for an exhaustive switch until Java 21: a new kind fails the build here. */
  @Test
  void should_handle_every_detector_kind() {
    Set<Class<?>> handled = new HashSet<>(DetectorFactory.handledKinds());

    assertThat(handled).containsExactlyInAnyOrder(DetectorSpec.class.getPermittedSubclasses());
  }

  @Test
  void should_build_a_threshold_detector_for_a_threshold_rule() {
    Detector detector = factory.create(TestRules.threshold("r").build());

    assertThat(detector).isInstanceOf(ThresholdDetector.class);
    assertThat(detector.rule().id()).isEqualTo("r");
    assertThat(detector.keyCount()).isZero();
  }

  @Test
  void should_build_a_sequence_detector_with_timers_for_a_sequence_rule() {
    Detector detector = factory.create(TestRules.sequence("funnel").build());

    assertThat(detector).isInstanceOf(SequenceDetector.class);
    assertThat(detector.hasTimers()).isTrue();
    assertThat(detector.timers()).isEmpty();
  }
}
