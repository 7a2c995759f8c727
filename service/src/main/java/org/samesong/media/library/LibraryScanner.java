package org.samesong.media.library;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.LibraryFile;
import org.samesong.media.demo.DemoCatalog;
import org.samesong.media.library.ScanProgress.FolderProblem;
import org.samesong.media.library.ScanProgress.Phase;
import org.samesong.media.library.ScanProgress.State;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans the library folders (the {@code library_folders} setting) into the catalog, in the
 * background, one scan at a time, with its progress readable at any time.
 *
 * <p>A scan first counts the audio files of every folder (MP3, FLAC, Ogg Vorbis, Opus, M4A, WAV;
 * hidden files and folders left out), then reads the tags of the files that are new or whose size
 * or modification time changed ({@link TagReader}); unchanged files are not opened. Last, tracks
 * whose file is gone, has become unreadable, or lies in a folder that is no longer configured leave
 * the catalog; the generated demo tracks ({@code <dataDir>/demo}) always stay, and so do the tracks
 * of a configured folder that cannot be read at the moment (it may be a disk that is not mounted).
 * A file that cannot be read is skipped with one warning; a folder that cannot be read is reported
 * in the progress, and the others are scanned all the same. Symbolic links inside a folder are not
 * followed, so a scan never leaves its folders (a configured folder may itself be a link).
 *
 * <p>Scans start on demand ({@link #startScan()}) and when the folders setting changes ({@link
 * #settingsUpdated()}); the application also starts one at start-up when folders are configured.
 */
public class LibraryScanner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LibraryScanner.class);

  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /** Files the database refuses one after the other before the scan gives up. */
  private static final int MAX_REFUSED_IN_A_ROW = 5;

  private final CatalogService catalog;
  private final SettingsService settings;
  private final Clock clock;
  private final Path demoFolder;

  // guarded by this
  private ScanRun current;
  private ScanProgress last;
  private Thread worker;
  private boolean rescanWanted;
  private boolean closed;
  private List<String> lastFolders;

  /**
   * @param dataDir the data folder, whose {@code demo} sub-folder holds the generated demo tracks
   *     that every scan keeps; null when there is none (tests of other features)
   */
  public LibraryScanner(
      CatalogService catalog, SettingsService settings, Clock clock, Path dataDir) {
    this.catalog = catalog;
    this.settings = settings;
    this.clock = clock;
    this.demoFolder =
        dataDir == null ? null : dataDir.resolve(DemoCatalog.FOLDER).toAbsolutePath().normalize();
    this.lastFolders = folders();
    this.last = ScanProgress.idle(lastFolders);
  }

  /** The configured library folders (absolute paths, as the setting holds them). */
  public List<String> folders() {
    return settings.get(Settings.LIBRARY_FOLDERS);
  }

  /**
   * Each configured folder that cannot be scanned right now, and why: for the health check and the
   * admin screen. Empty when all are readable (or none is configured).
   */
  public List<FolderProblem> folderProblems() {
    List<FolderProblem> problems = new ArrayList<>();
    for (String folder : folders()) {
      FolderWalk.problem(folder).ifPresent(p -> problems.add(new FolderProblem(folder, p)));
    }
    return problems;
  }

  /** The running scan's progress, or the last scan's result, or idle before the first one. */
  public synchronized ScanProgress progress() {
    return current != null ? current.snapshot() : last;
  }

  /**
   * Starts a scan of the configured folders in the background, unless one is running already.
   *
   * @return the progress of the scan that runs now: the new one, or the one that was running
   */
  public synchronized ScanProgress startScan() {
    if (current != null || closed) {
      return progress();
    }
    List<String> folders = folders();
    lastFolders = folders;
    ScanRun run = new ScanRun(folders, clock.millis());
    current = run;
    worker = new Thread(() -> scan(run), "library-scan");
    worker.setDaemon(true);
    worker.start();
    return run.snapshot();
  }

  /**
   * Tells the scanner that settings were changed: when the library folders differ from those of the
   * last scan, a scan starts (or, while one runs, another follows it).
   */
  public synchronized void settingsUpdated() {
    if (folders().equals(lastFolders)) {
      return;
    }
    if (current != null) {
      rescanWanted = true;
    } else {
      startScan();
    }
  }

  /**
   * Waits until no scan runs (or the timeout passes) and returns the progress then.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public synchronized ScanProgress awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (current != null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      // wait takes milliseconds; round up so a short remainder still waits
      wait(Math.max(1, (left + 999_999) / 1_000_000));
    }
    return progress();
  }

  /** Stops a running scan (it ends as failed) and starts no more. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      rescanWanted = false;
      running = worker;
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void scan(ScanRun run) {
    long started = System.nanoTime();
    LOG.info("library scan started: {}", run.folders.isEmpty() ? "no folders" : run.folders);
    State end = State.DONE;
    try {
      scanFolders(run);
    } catch (FolderWalk.Stopped e) {
      end = State.FAILED;
      run.lastError = "stopped: the server is shutting down";
    } catch (RuntimeException e) {
      end = State.FAILED;
      run.lastError = "scan failed: " + rootCause(e);
      LOG.error("library scan failed after {} of {} files", run.seen, run.total, e);
    }
    ScanProgress result = run.finish(end, clock.millis());
    LOG.info(
        "library scan {} in {} ms: {} files, {} added, {} updated, {} unchanged, {} removed, {}"
            + " skipped",
        end.name().toLowerCase(java.util.Locale.ROOT),
        (System.nanoTime() - started) / 1_000_000,
        result.filesTotal(),
        result.added(),
        result.updated(),
        result.unchanged(),
        result.removed(),
        result.skipped());
    synchronized (this) {
      last = result;
      current = null;
      worker = null;
      notifyAll();
      if (rescanWanted && !closed) {
        rescanWanted = false;
        startScan();
      }
    }
  }

  private void scanFolders(ScanRun run) {
    List<LibraryFile> known = catalog.libraryFiles();
    Map<String, LibraryFile> byHash = new HashMap<>();
    known.forEach(k -> byHash.put(k.locationHash(), k));

    // 1. count
    Map<Path, String> roots = new LinkedHashMap<>(); // readable roots → as configured
    Set<Path> keptRoots = new HashSet<>(); // configured but unreadable: their tracks stay
    List<FolderWalk.Candidate> candidates = new ArrayList<>();
    Set<Path> listed = new HashSet<>();
    for (String folder : run.folders) {
      Path root;
      try {
        root = Path.of(folder).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        run.folderProblem(folder, "is not a valid path");
        continue;
      }
      Optional<String> problem = FolderWalk.problem(folder);
      if (problem.isPresent()) {
        run.folderProblem(folder, problem.get());
        keptRoots.add(root);
        continue;
      }
      roots.put(root, folder);
      run.currentFolder = folder;
      FolderWalk.list(run, root, folder, demoFolder, candidates, listed, keptRoots);
    }

    // 2. read what is new or changed
    run.phase = Phase.READING;
    Set<String> present = new HashSet<>();
    int refusedInARow = 0;
    for (FolderWalk.Candidate file : candidates) {
      FolderWalk.stopIfInterrupted();
      run.currentFolder = file.folder();
      run.seen++;
      String hash = CatalogService.locationHash(file.path());
      LibraryFile before = byHash.get(hash);
      if (before != null
          && Objects.equals(before.size(), file.size())
          && Objects.equals(before.mtime(), file.mtime())) {
        present.add(hash);
        run.unchanged++;
        continue;
      }
      AudioInfo info;
      try {
        info = TagReader.read(file.path());
      } catch (UnreadableAudioException e) {
        // not present: a known file that became unreadable leaves the catalog below
        skip(run, file.path(), e.getMessage());
        continue;
      } catch (IOException e) {
        // the file could not be opened now (permissions, a flaky disk): keep what the catalog has
        present.add(hash);
        skip(run, file.path(), "cannot read: " + FolderWalk.describe(e));
        continue;
      }
      present.add(hash);
      try {
        catalog.upsertLibraryTrack(
            file.path(),
            info.title(),
            info.artist(),
            info.album(),
            info.durationMs(),
            info.mediaType(),
            file.size(),
            file.mtime());
        refusedInARow = 0;
        if (before == null) {
          run.added++;
        } else {
          run.updated++;
        }
      } catch (IllegalArgumentException e) {
        skip(run, file.path(), e.getMessage()); // e.g. a path longer than the catalog keeps
      } catch (RuntimeException e) {
        // a value the database refuses costs this file only; a database that refuses several
        // files in a row is gone, and the scan fails
        if (++refusedInARow >= MAX_REFUSED_IN_A_ROW) {
          throw e;
        }
        skip(run, file.path(), "not stored: " + rootCause(e));
      }
    }

    // 3. remove what is gone
    run.phase = Phase.REMOVING;
    run.currentFolder = null;
    for (LibraryFile file : known) {
      FolderWalk.stopIfInterrupted();
      if (present.contains(file.locationHash())) {
        continue;
      }
      Path path = Path.of(file.location());
      if (demoFolder != null && path.startsWith(demoFolder)) {
        continue;
      }
      if (keptRoots.stream().anyMatch(path::startsWith)) {
        continue;
      }
      if (catalog.removeLibraryTrack(path)) {
        run.removed++;
      }
    }
  }

  private static void skip(ScanRun run, Path file, String reason) {
    run.skipped++;
    if (run.skippedFiles.size() < ScanProgress.SKIPPED_NAMED) {
      run.skippedFiles.add(file + ": " + reason);
    }
    run.lastError = "skipped " + file + ": " + reason;
    LOG.warn("library scan: skipped {}: {}", file, reason);
  }

  /** The first line of the innermost cause: e.g. the database's own words, without the SQL. */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }
}
