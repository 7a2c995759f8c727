package org.samesong.media.library;

import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.samesong.media.Ffmpeg;

/**
 * Admin task {@code library-status} ({@code POST :8081/tasks/library-status}): prints the progress
 * of the running library scan, or the result of the last one, and the FFmpeg found at start.
 */
public class LibraryStatusTask extends Task {
  private final LibraryScanner scanner;
  private final Ffmpeg ffmpeg;

  public LibraryStatusTask(LibraryScanner scanner, Ffmpeg ffmpeg) {
    super("library-status");
    this.scanner = scanner;
    this.ffmpeg = ffmpeg;
  }

  @Override
  public void execute(Map<String, List<String>> parameters, PrintWriter output) {
    output.print(scanner.progress().toText());
    output.println("ffmpeg: " + ffmpeg.describe());
  }
}
