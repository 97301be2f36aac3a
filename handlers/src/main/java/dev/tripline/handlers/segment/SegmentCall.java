package dev.tripline.handlers.segment;

import java.util.Locale;

/**
 * The calls of Segment's Tracking API, as named by their path and by a batch item's {@code type}.
 */
enum SegmentCall {
  TRACK,
  IDENTIFY,
  PAGE,
  SCREEN,
  GROUP,
  ALIAS;

  /** The lower-case name: the path segment, the {@code type} value. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The call a batch item's {@code type} names, or {@code null}. */
  static SegmentCall of(Object type) {
    if (type instanceof String s) {
      for (SegmentCall call : values()) {
        if (call.wire().equals(s)) {
          return call;
        }
      }
    }
    return null;
  }
}
