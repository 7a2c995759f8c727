package org.samesong.media.library.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * {@code GET /api/admin/library}: the configured folders, those that cannot be scanned right now,
 * the scan's progress and the FFmpeg found at start.
 */
@Schema(name = "Library")
public record LibraryJson(
    List<String> folders,
    @JsonProperty("folder_problems") List<FolderProblemJson> folderProblems,
    ScanProgressJson progress,
    @Schema(description = "The FFmpeg found at start, or that none was.") String ffmpeg) {}
