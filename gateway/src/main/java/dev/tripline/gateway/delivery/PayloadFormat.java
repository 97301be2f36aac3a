package dev.tripline.gateway.delivery;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The body shape a destination receives. Only {@code standard} exists today; tool-specific shapes
 * (Slack, Segment track, ...) are added here so a destination can name them in its {@code format}.
 */
public enum PayloadFormat {
  /** Tripline's own JSON detection document, see {@link DeliveryPayloads#standard}. */
  STANDARD("standard", "application/json");

  private final String wireName;
  private final String contentType;

  PayloadFormat(String wireName, String contentType) {
    this.wireName = wireName;
    this.contentType = contentType;
  }

  /** The name used in configuration. */
  public String wireName() {
    return wireName;
  }

  /** The {@code content-type} the body is sent with (a destination's headers may replace it). */
  public String contentType() {
    return contentType;
  }

  /** The format configured as {@code name}, if there is one. */
  public static Optional<PayloadFormat> find(String name) {
    return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
  }

  /**
   * The format configured as {@code name}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PayloadFormat parse(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "format: must be one of " + wireNames() + ", was \"" + name + "\""));
  }

  /** The accepted configuration names, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(PayloadFormat::wireName).toList();
  }
}
