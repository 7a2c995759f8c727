package org.samesong.media.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /api/admin/library}: the configured folders, those that cannot be scanned right now,
 * the scan's progress and the FFmpeg found at start.
 */
public record LibraryJson(
    List<String> folders,
    @JsonProperty("folder_problems") List<FolderProblemJson> folderProblems,
    ScanProgressJson progress,
    String ffmpeg) {}
