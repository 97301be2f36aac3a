package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookIdsTest {

  @Test
  void should_give_the_same_id_for_the_same_detection_and_destination() {
    assertThat(WebhookIds.of("det_1", "klaviyo")).isEqualTo(WebhookIds.of("det_1", "klaviyo"));
  }

  @Test
  void should_give_different_ids_per_destination_and_per_detection() {
    assertThat(WebhookIds.of("det_1", "klaviyo"))
        .isNotEqualTo(WebhookIds.of("det_1", "slack"))
        .isNotEqualTo(WebhookIds.of("det_2", "klaviyo"));
  }

  @Test
  void should_not_confuse_where_one_id_ends_and_the_other_begins() {
    assertThat(WebhookIds.of("ab", "c")).isNotEqualTo(WebhookIds.of("a", "bc"));
  }

  @Test
  void should_be_msg_prefix_and_26_base32_characters() {
    assertThat(WebhookIds.of("det_1", "klaviyo")).matches("msg_[a-z2-7]{26}");
  }
}
