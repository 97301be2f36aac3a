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
    } catch (RateLimitedException e) {
      observer.rejected(RejectReason.RATE_LIMITED.tag());
      throw e;
    } catch (HttpException e) {
      observer.rejected(RejectReason.UNAUTHORIZED.tag());
      throw e;
    }
  }
}
