package org.samesong.media.library;

import java.util.List;
import org.samesong.media.library.ScanProgress.FolderProblem;
import org.samesong.media.library.ScanProgress.Phase;
import org.samesong.media.library.ScanProgress.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link LibraryScanner} scan's counters. Only the scan thread writes them; volatile so that
 * {@link #snapshot()} from other threads sees recent values.
 */
final class ScanRun {
  // the scan's log lines keep the scanner's name
  private static final Logger LOG = LoggerFactory.getLogger(LibraryScanner.class);

  final List<String> folders;
  final long startedAt;
  volatile Phase phase = Phase.COUNTING;
  volatile String currentFolder;
  volatile int seen;
  volatile int total;
  volatile int added;
  volatile int updated;
  volatile int unchanged;
  volatile int removed;
  volatile int skipped;
  volatile String lastError;
  final List<FolderProblem> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> skippedFiles = new java.util.concurrent.CopyOnWriteArrayList<>();

  ScanRun(List<String> folders, long startedAt) {
    this.folders = List.copyOf(folders);
    this.startedAt = startedAt;
  }

  void folderProblem(String folder, String problem) {
    problems.add(new FolderProblem(folder, problem));
    lastError = folder + " " + problem;
    LOG.warn("library scan: folder {} {}", folder, problem);
  }

  ScanProgress snapshot() {
    return new ScanProgress(
        State.RUNNING,
        phase,
        folders,
        currentFolder,
        seen,
        total,
        added,
        updated,
        unchanged,
        removed,
        skipped,
        startedAt,
        null,
        lastError,
        problems,
        skippedFiles);
  }

  ScanProgress finish(State state, long finishedAt) {
    return new ScanProgress(
        state,
        null,
        folders,
        null,
        seen,
        total,
        added,
        updated,
        unchanged,
        removed,
        skipped,
        startedAt,
        finishedAt,
        lastError,
        problems,
        skippedFiles);
  }
}
