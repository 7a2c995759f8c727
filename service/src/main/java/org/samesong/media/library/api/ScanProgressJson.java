package org.samesong.media.library.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import org.samesong.media.library.ScanProgress;

/** The library scan's progress as the API shows it (see {@link ScanProgress} for each field). */
@Schema(name = "ScanProgress")
public record ScanProgressJson(
    @Schema(allowableValues = {"idle", "running", "done", "failed"}) String state,
    @Schema(
            nullable = true,
            allowableValues = {"counting", "reading", "removing"})
        String phase,
    List<String> folders,
    @Schema(nullable = true) @JsonProperty("current_folder") String currentFolder,
    @JsonProperty("files_seen") int filesSeen,
    @JsonProperty("files_total") int filesTotal,
    int added,
    int updated,
    int unchanged,
    int removed,
    int skipped,
    @Schema(nullable = true) @JsonProperty("started_at") Long startedAt,
    @Schema(nullable = true) @JsonProperty("finished_at") Long finishedAt,
    @Schema(nullable = true) @JsonProperty("last_error") String lastError,
    @JsonProperty("folder_problems") List<FolderProblemJson> folderProblems) {

  public static ScanProgressJson of(ScanProgress progress) {
    return new ScanProgressJson(
        progress.state().name().toLowerCase(Locale.ROOT),
        progress.phase() == null ? null : progress.phase().name().toLowerCase(Locale.ROOT),
        progress.folders(),
        progress.currentFolder(),
        progress.filesSeen(),
        progress.filesTotal(),
        progress.added(),
        progress.updated(),
        progress.unchanged(),
        progress.removed(),
        progress.skipped(),
        progress.startedAt(),
        progress.finishedAt(),
        progress.lastError(),
        progress.folderProblems().stream().map(FolderProblemJson::of).toList());
  }
}
