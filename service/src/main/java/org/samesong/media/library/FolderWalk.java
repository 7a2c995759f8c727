package org.samesong.media.library;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The first step of a {@link LibraryScanner} scan: which configured folders can be read, and the
 * audio files in them (hidden files and folders, the demo folder and links below a folder left
 * out), without opening any file.
 */
final class FolderWalk {
  private FolderWalk() {}

  /**
   * Lists the audio files under {@code root} into {@code candidates} ({@code demoFolder}, null when
   * there is none, is left out). The walk runs over the folder's real path (the configured path may
   * itself be a link, or lie below one) and names every file by the configured path, so a track's
   * location does not depend on how the disk is linked. Links below the folder are not followed:
   * one leads either out of the folder, or to music the walk reaches anyway under its own name.
   */
  static void list(
      ScanRun run,
      Path root,
      String folder,
      Path demoFolder,
      List<Candidate> candidates,
      Set<Path> listed,
      Set<Path> keptRoots) {
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      run.folderProblem(folder, "cannot be read: " + describe(e));
      keptRoots.add(root);
      return;
    }
    try {
      Files.walkFileTree(
          realRoot,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              stopIfInterrupted();
              if (dir.equals(realRoot)) {
                return FileVisitResult.CONTINUE;
              }
              Path named = root.resolve(realRoot.relativize(dir));
              if (hidden(dir) || (demoFolder != null && named.startsWith(demoFolder))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              // a link (to a file or a folder) comes here unfollowed: its attrs are the link's
              if (!attrs.isRegularFile() || hidden(file) || TagReader.mediaType(file).isEmpty()) {
                return FileVisitResult.CONTINUE;
              }
              Path named = root.resolve(realRoot.relativize(file));
              if (listed.add(named)) {
                candidates.add(
                    new Candidate(
                        named, folder, attrs.size(), attrs.lastModifiedTime().toMillis()));
                run.total++;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              unreadableFolder(run, root.resolve(realRoot.relativize(file)), e, keptRoots);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
              if (e != null) {
                unreadableFolder(run, root.resolve(realRoot.relativize(dir)), e, keptRoots);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      run.folderProblem(folder, "cannot be read: " + describe(e));
      keptRoots.add(root);
    }
  }

  /** A sub-folder (or entry) that could not be listed: reported, and its tracks kept. */
  private static void unreadableFolder(ScanRun run, Path path, IOException e, Set<Path> keptRoots) {
    keptRoots.add(path);
    run.folderProblem(path.toString(), "cannot be read: " + describe(e));
  }

  /** Why a configured folder cannot be scanned, or empty when it can. */
  static Optional<String> problem(String folder) {
    Path path;
    try {
      path = Path.of(folder);
    } catch (InvalidPathException e) {
      return Optional.of("is not a valid path");
    }
    if (!Files.exists(path)) {
      return Optional.of("does not exist");
    }
    if (!Files.isDirectory(path)) {
      return Optional.of("is not a folder");
    }
    if (!Files.isReadable(path) || !Files.isExecutable(path)) {
      return Optional.of("cannot be read (permission denied)");
    }
    return Optional.empty();
  }

  private static boolean hidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  static String describe(IOException e) {
    String type = e.getClass().getSimpleName();
    return switch (type) {
      case "AccessDeniedException" -> "permission denied";
      case "NoSuchFileException" -> "does not exist";
      default -> e.getMessage() == null ? type : type + " " + e.getMessage();
    };
  }

  static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new Stopped();
    }
  }

  /** The scan thread was interrupted: the server is stopping. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** An audio file found while counting. */
  record Candidate(Path path, String folder, long size, long mtime) {}
}
