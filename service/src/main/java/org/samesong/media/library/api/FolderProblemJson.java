package org.samesong.media.library.api;

import io.swagger.v3.oas.annotations.media.Schema;
import org.samesong.media.library.ScanProgress;

/**
 * A library folder that cannot be scanned, e.g. {@code {"folder": "/music", "problem": "does not
 * exist"}}.
 */
@Schema(name = "FolderProblem")
public record FolderProblemJson(String folder, String problem) {
  public static FolderProblemJson of(ScanProgress.FolderProblem problem) {
    return new FolderProblemJson(problem.folder(), problem.problem());
  }
}
