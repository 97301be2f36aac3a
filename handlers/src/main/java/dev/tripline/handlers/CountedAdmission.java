package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;

/**
 * {@link IngestAccess#admit} with the refusal counted: {@code rate_limited} for a 429, {@code
 * unauthorized} for a 401, so every API route reports refused requests the same way.
 */
public final class CountedAdmission {

  private CountedAdmission() {}

  /**
   * @return the source the request's events are attributed to
   * @throws HttpException the refusal, already counted in {@code observer}
   */
  public static String admit(
      IngestAccess access,
      IngestObserver observer,
      String presentedKey,
      String clientIp,
      String openSource) {
    try {
      return access.admit(presentedKey, clientIp, openSource);
    } catch (HttpException refused) {
      count(observer, refused);
      throw refused;
    }
  }

  /**
   * Counts a refusal of {@link IngestAccess}, at the door or on a stream frame: {@code
   * rate_limited} past a rate limit, {@code unauthorized} otherwise.
   */
  public static void count(IngestObserver observer, HttpException refused) {
    observer.rejected(
        (refused instanceof RateLimitedException
                ? RejectReason.RATE_LIMITED
                : RejectReason.UNAUTHORIZED)
            .tag());
  }
}
