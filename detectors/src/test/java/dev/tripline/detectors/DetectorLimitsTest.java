package dev.tripline.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DetectorLimitsTest {

  @Test
  void should_default_to_100k_keys_per_rule() {
    assertThat(DetectorLimits.defaults().maxKeysPerRule()).isEqualTo(100_000);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void should_reject_fewer_than_one_key_naming_the_value(int maxKeys) {
    assertThatThrownBy(() -> new DetectorLimits(maxKeys))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKeysPerRule: must be >= 1, was " + maxKeys);
  }
}
