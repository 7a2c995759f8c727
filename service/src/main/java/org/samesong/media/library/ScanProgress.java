package org.samesong.media.library;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the library scan stands: a snapshot, readable at any time.
 *
 * @param state idle before the first scan, running, done, or failed (the scan as a whole stopped:
 *     e.g. the database was unreachable or the server shut down)
 * @param phase while running: counting the files, reading them, or removing vanished ones; null
 *     otherwise
 * @param folders the folders of this scan
 * @param currentFolder the folder being counted or read, null when none
 * @param filesSeen audio files handled so far (read, or found unchanged, or skipped)
 * @param filesTotal audio files found in the folders (grows while counting)
 * @param added files new to the catalog (or back after they had been removed)
 * @param updated files whose size or time changed, read again under the same track id
 * @param unchanged files left as they were, their tags not read again
 * @param removed tracks that left the catalog: file gone, unreadable now, or folder no longer
 *     configured
 * @param skipped files that could not be read (damaged, not audio)
 * @param startedAt epoch ms, null before the first scan
 * @param finishedAt epoch ms, null while running or before the first scan
 * @param lastError the most recent problem (a skipped file, a folder, or why the scan failed)
 * @param folderProblems folders (or sub-folders) that could not be scanned
 * @param skippedFiles the first {@link #SKIPPED_NAMED} skipped files, each with why ({@code path:
 *     reason}), so a screen can name them
 */
public record ScanProgress(
    State state,
    Phase phase,
    List<String> folders,
    String currentFolder,
    int filesSeen,
    int filesTotal,
    int added,
    int updated,
    int unchanged,
    int removed,
    int skipped,
    Long startedAt,
    Long finishedAt,
    String lastError,
    List<FolderProblem> folderProblems,
    List<String> skippedFiles) {

  /** How many skipped files a snapshot names; the count goes on beyond. */
  public static final int SKIPPED_NAMED = 20;

  /** The scan's state. */
  public enum State {
    IDLE,
    RUNNING,
    DONE,
    FAILED
  }

  /** What a running scan is doing. */
  public enum Phase {
    COUNTING,
    READING,
    REMOVING
  }

  /** A folder that cannot be scanned, and why ("does not exist", "cannot be read"...). */
  public record FolderProblem(String folder, String problem) {
    public FolderProblem {
      Objects.requireNonNull(folder, "folder");
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
      return folder + " " + problem;
    }
  }

  public ScanProgress {
    Objects.requireNonNull(state, "state");
    folders = List.copyOf(folders);
    folderProblems = List.copyOf(folderProblems);
    skippedFiles = List.copyOf(skippedFiles);
  }

  /** Before any scan. */
  public static ScanProgress idle(List<String> folders) {
    return new ScanProgress(
        State.IDLE,
        null,
        folders,
        null,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        null,
        null,
        List.of(),
        List.of());
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  /** The progress as lines of {@code name: value}, for the admin tasks. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    line(text, "state", state.name().toLowerCase(java.util.Locale.ROOT));
    if (phase != null) {
      line(text, "phase", phase.name().toLowerCase(java.util.Locale.ROOT));
    }
    line(text, "folders", folders.isEmpty() ? "(none configured)" : String.join(", ", folders));
    if (currentFolder != null) {
      line(text, "current folder", currentFolder);
    }
    line(text, "files", filesSeen + " of " + filesTotal);
    line(
        text,
        "tracks",
        "added "
            + added
            + ", updated "
            + updated
            + ", unchanged "
            + unchanged
            + ", removed "
            + removed
            + ", skipped "
            + skipped);
    line(text, "started", startedAt == null ? "-" : Instant.ofEpochMilli(startedAt).toString());
    line(text, "finished", finishedAt == null ? "-" : Instant.ofEpochMilli(finishedAt).toString());
    if (lastError != null) {
      line(text, "last error", lastError);
    }
    for (FolderProblem problem : folderProblems) {
      line(text, "folder problem", problem.toString());
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String name, String value) {
    text.append(name).append(": ").append(value).append('\n');
  }
}
