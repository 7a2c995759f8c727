package org.samesong.media.library;

import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Admin task {@code library-scan} ({@code POST :8081/tasks/library-scan}): starts a library scan,
 * unless one is running, and prints its progress. With {@code ?wait} (or {@code wait=true}) it
 * waits until the scan has finished, at most an hour; {@code wait=SECONDS} waits at most that long.
 */
public class LibraryScanTask extends Task {
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final LibraryScanner scanner;

  public LibraryScanTask(LibraryScanner scanner) {
    super("library-scan");
    this.scanner = scanner;
  }

  @Override
  public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
    Duration wait;
    try {
      wait = waitParameter(parameters.get("wait"));
    } catch (IllegalArgumentException e) {
      output.println("error: " + e.getMessage() + "; no scan started");
      return;
    }
    ScanProgress progress = scanner.startScan();
    if (!wait.isZero()) {
      progress = scanner.awaitIdle(wait);
    }
    output.print(progress.toText());
  }

  /** Absent: no wait; present without a value or "true": the longest wait; a number: seconds. */
  static Duration waitParameter(List<String> values) {
    if (values == null || values.isEmpty()) {
      return Duration.ZERO;
    }
    String value = values.get(0) == null ? "" : values.get(0).strip();
    if (value.isEmpty() || value.equalsIgnoreCase("true")) {
      return MAX_WAIT;
    }
    if (value.equalsIgnoreCase("false")) {
      return Duration.ZERO;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0 || seconds > MAX_WAIT.toSeconds()) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "wait must be true, false or 0 to " + MAX_WAIT.toSeconds() + " seconds");
    }
  }
}
