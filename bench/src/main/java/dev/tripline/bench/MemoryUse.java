package dev.tripline.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resident memory of the bench's child processes, read from {@code /proc/<pid>/status} (Linux): the
 * peak since the process started ({@code VmHWM}) and the current value ({@code VmRSS}). What the
 * operating system charges a process for, heap and everything off it alike.
 */
final class MemoryUse {

  private MemoryUse() {}

  /**
   * Per named process: {@code peakMiB} and {@code rssMiB}; a process whose status cannot be read
   * (not Linux, already gone) is left out.
   */
  static JsonObject of(Map<String, Long> pids) {
    JsonObject json = new JsonObject();
    pids.forEach(
        (name, pid) -> {
          JsonObject one = read(pid);
          if (one != null) {
            json.put(name, one);
          }
        });
    return json;
  }

  private static JsonObject read(long pid) {
    try {
      JsonObject json = new JsonObject();
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          json.put("peakMiB", mebibytes(line));
        } else if (line.startsWith("VmRSS:")) {
          json.put("rssMiB", mebibytes(line));
        }
      }
      return json.isEmpty() ? null : json;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@code VmHWM: 729956 kB} in MiB. */
  private static long mebibytes(String line) {
    String kib = line.substring(line.indexOf(':') + 1).replace("kB", "").trim();
    return Math.round(Long.parseLong(kib) / 1024.0);
  }
}
