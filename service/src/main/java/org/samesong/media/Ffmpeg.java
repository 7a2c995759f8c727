package org.samesong.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional FFmpeg tools ({@code ffprobe}, {@code ffmpeg}), detected once at start. Nothing
 * requires them: without {@code ffprobe} URL tracks are probed with the pure-Java tag reader.
 *
 * @param ffprobe the {@code ffprobe} executable, when it answered {@code -version}
 * @param ffmpeg the {@code ffmpeg} executable, when it answered {@code -version}
 * @param version the first line of {@code ffprobe -version} (or {@code ffmpeg -version}), or empty
 */
public record Ffmpeg(Optional<Path> ffprobe, Optional<Path> ffmpeg, String version) {
  private static final Logger LOG = LoggerFactory.getLogger(Ffmpeg.class);
  private static final long VERSION_TIMEOUT_MS = 5_000;

  /** No FFmpeg: what a machine without it, or a test that wants the pure-Java path, gets. */
  public static Ffmpeg absent() {
    return new Ffmpeg(Optional.empty(), Optional.empty(), "");
  }

  /** True when {@code ffprobe} can be used to probe media. */
  public boolean available() {
    return ffprobe.isPresent();
  }

  /** One line for the admin screen and the health check. */
  public String describe() {
    if (ffprobe.isEmpty() && ffmpeg.isEmpty()) {
      return "not found (optional: install the ffmpeg package to probe URL tracks exactly)";
    }
    return version.isEmpty() ? "found" : version;
  }

  /**
   * Looks for {@code ffprobe} and {@code ffmpeg} in {@code dir} when given, else on the {@code
   * PATH}, and checks that each runs.
   *
   * @param dir a folder holding both tools, or null for the {@code PATH}
   */
  public static Ffmpeg detect(Path dir) {
    Optional<Path> probe = find(dir, "ffprobe");
    Optional<Path> mpeg = find(dir, "ffmpeg");
    String version = probe.or(() -> mpeg).map(Ffmpeg::versionLine).orElse("");
    Ffmpeg found = new Ffmpeg(probe.filter(p -> !version.isEmpty()), mpeg, version);
    LOG.info("FFmpeg: {}", found.describe());
    return found;
  }

  private static Optional<Path> find(Path dir, String name) {
    if (dir != null) {
      Path candidate = dir.resolve(name);
      return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path candidate = Path.of(entry).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String versionLine(Path tool) {
    try {
      Process process =
          new ProcessBuilder(List.of(tool.toString(), "-version"))
              .redirectErrorStream(true)
              .start();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readNBytes(4096);
      }
      if (!process.waitFor(VERSION_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return "";
      }
      if (process.exitValue() != 0) {
        return "";
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      int end = text.indexOf('\n');
      return (end < 0 ? text : text.substring(0, end)).strip();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
