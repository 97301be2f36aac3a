package dev.tripline.rules;

/** A condition failed to evaluate against one event; the event does not match. */
public final class ConditionException extends RuntimeException {

  public ConditionException(String message, Throwable cause) {
    super(message, cause);
  }
}
