package dev.tripline.gateway;

/** Ends a command early with an exit status, its reason already printed. */
final class CommandExit extends Exception {

  final int status;

  CommandExit(int status) {
    super(null, null, false, false);
    this.status = status;
  }
}
