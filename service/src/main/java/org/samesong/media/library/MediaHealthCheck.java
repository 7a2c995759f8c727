package org.samesong.media.library;

import com.codahale.metrics.health.HealthCheck;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.samesong.media.Ffmpeg;
import org.samesong.media.library.ScanProgress.FolderProblem;

/**
 * The {@code media} health check: healthy while every configured library folder exists and can be
 * read (or none is configured); names each folder that cannot. Its details show FFmpeg as detected
 * at start and the state of the library scan.
 */
public class MediaHealthCheck extends HealthCheck {
  private final LibraryScanner scanner;
  private final Ffmpeg ffmpeg;

  public MediaHealthCheck(LibraryScanner scanner, Ffmpeg ffmpeg) {
    this.scanner = scanner;
    this.ffmpeg = ffmpeg;
  }

  @Override
  protected Result check() {
    List<String> folders = scanner.folders();
    List<FolderProblem> problems = scanner.folderProblems();
    ScanProgress scan = scanner.progress();
    ResultBuilder result =
        Result.builder()
            .withDetail("folders", folders)
            .withDetail("ffmpeg", ffmpeg.describe())
            .withDetail("scan", scan.state().name().toLowerCase(Locale.ROOT))
            .withDetail("scan_files", scan.filesSeen() + " of " + scan.filesTotal());
    if (!problems.isEmpty()) {
      return result
          .unhealthy()
          .withMessage(
              "library folder "
                  + problems.stream()
                      .map(FolderProblem::toString)
                      .collect(Collectors.joining("; ")))
          .build();
    }
    return result
        .healthy()
        .withMessage(
            folders.isEmpty()
                ? "no library folders configured (demo tracks only)"
                : folders.size() + " library folder(s) readable")
        .build();
  }
}
