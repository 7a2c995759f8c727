package org.samesong.media.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.media.WavFile;
import org.samesong.media.demo.DemoSong.BassLine;
import org.samesong.media.demo.DemoSong.Voice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo catalog: four short instrumental tracks, synthesised in Java on first start into {@code
 * <dataDir>/demo/} as WAV files with title, artist and album tags, and registered as library
 * tracks, so that a fresh installation plays sound without any music of its own.
 *
 * <p>Idempotent: a file is generated only when it is missing or has the wrong size, and a track
 * whose file and entry are up to date is left as it is.
 *
 * <p>Every instance of a cluster makes the files in its own data folder, byte for byte the same,
 * and stamps them with a modification time computed from their bytes, so that a stream's validators
 * (its ETag of size and time, its Last-Modified) are the same whichever instance serves a browser's
 * next range.
 */
public class DemoCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(DemoCatalog.class);

  /** The folder under the data folder that holds the generated files. */
  public static final String FOLDER = "demo";

  /** The album tag of every demo track. */
  public static final String ALBUM = "Samesong Demo";

  /** The media type the demo tracks are registered with. */
  public static final String MEDIA_TYPE = "audio/wav";

  // the modification times the files are stamped with: a second of 2020 to 2024
  private static final long STAMP_FROM = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  private static final long STAMP_SECONDS = 5L * 365 * 24 * 3600;

  private static final List<DemoSong> SONGS =
      List.of(
          new DemoSong(
              "01-morning-tram.wav",
              "Morning Tram",
              "The Placeholder Trio",
              75,
              72, // C5: C major
              DemoSong.MAJOR,
              112,
              4,
              new int[] {0, 4, 5, 3}, // I V vi IV
              new Voice(
                  new float[] {1f, 0.5f, 0.33f, 0.25f, 0.2f, 0.16f},
                  0.005f,
                  0.35f,
                  0f,
                  0.05f,
                  0f,
                  0.34f),
              new Voice(new float[] {1f, 0.45f, 0.15f}, 0.01f, 0.5f, 0.55f, 0.05f, 0f, 0.34f),
              new Voice(new float[] {1f, 0.2f}, 0.08f, 0.4f, 0.7f, 0.15f, 0f, 0.05f),
              BassLine.ROOT_FIFTH,
              "x...x...",
              "..x...x.",
              "xxxxxxxx",
              11),
          new DemoSong(
              "02-copper-lanterns.wav",
              "Copper Lanterns",
              "Mira Vale",
              90,
              76, // E5: E minor
              DemoSong.MINOR,
              84,
              4,
              new int[] {0, 5, 2, 6}, // i VI III VII
              new Voice(
                  new float[] {1f, 0f, 0.12f, 0f, 0.05f}, 0.06f, 0.3f, 0.8f, 0.12f, 0.006f, 0.36f),
              new Voice(new float[] {1f, 0.3f, 0.1f, 0.05f}, 0.01f, 0.3f, 0.45f, 0.06f, 0f, 0.34f),
              new Voice(new float[] {1f, 0.1f, 0.05f}, 0.3f, 1f, 0.8f, 0.4f, 0f, 0.06f),
              BassLine.WALKING,
              "x.....x.",
              "........",
              "x.x.x.x.",
              22),
          new DemoSong(
              "03-slow-orbit-waltz.wav",
              "Slow Orbit Waltz",
              "Orbital Lounge",
              105,
              65, // F4: F major
              DemoSong.MAJOR,
              138,
              3,
              new int[] {0, 5, 1, 4}, // I vi ii V
              new Voice(
                  new float[] {1f, 0f, 0.33f, 0f, 0.2f, 0f, 0.14f},
                  0.02f,
                  0.5f,
                  0.75f,
                  0.08f,
                  0.003f,
                  0.34f),
              new Voice(new float[] {1f, 0.5f, 0.25f}, 0.008f, 0.25f, 0.2f, 0.05f, 0f, 0.4f),
              new Voice(new float[] {1f, 0.4f, 0.2f, 0.1f}, 0.01f, 0.12f, 0.3f, 0.06f, 0f, 0.07f),
              BassLine.WALTZ,
              "x.....",
              "......",
              "..x.x.",
              33),
          new DemoSong(
              "04-harbour-lights.wav",
              "Harbour Lights",
              "Kestrel & Finch",
              120,
              74, // D5: D dorian
              DemoSong.DORIAN,
              128,
              4,
              new int[] {0, 3, 0, 6}, // i IV i VII
              new Voice(
                  new float[] {1f, 0f, 0f, 0.5f, 0f, 0f, 0.2f}, 0.002f, 0.6f, 0f, 0.08f, 0f, 0.36f),
              new Voice(new float[] {1f, 0.6f, 0.3f, 0.15f}, 0.004f, 0.12f, 0.3f, 0.03f, 0f, 0.3f),
              new Voice(new float[] {1f, 0.15f}, 0.25f, 1f, 0.8f, 0.3f, 0f, 0.05f),
              BassLine.PULSE,
              "x.x.x.x.",
              "..x...x.",
              ".x.x.x.x",
              44));

  private final CatalogService catalog;

  public DemoCatalog(CatalogService catalog) {
    this.catalog = catalog;
  }

  /**
   * Makes sure the demo files exist under {@code <dataDir>/demo/} and are in the catalog; generates
   * only what is missing or damaged.
   *
   * @return the demo tracks as the catalog holds them, in album order
   * @throws UncheckedIOException when the folder or a file cannot be written
   */
  public List<Track> ensure(Path dataDir) {
    Path folder = dataDir.resolve(FOLDER);
    long started = System.nanoTime();
    try {
      Files.createDirectories(folder);
      List<DemoSong> missing = new ArrayList<>();
      for (DemoSong song : SONGS) {
        Path file = folder.resolve(song.fileName());
        if (!Files.isRegularFile(file) || Files.size(file) != size(song)) {
          missing.add(song);
        }
      }
      // the songs are independent: render them on all cores
      missing.parallelStream().forEach(song -> generate(song, folder.resolve(song.fileName())));
      long generatedMillis = (System.nanoTime() - started) / 1_000_000;
      List<Track> tracks = new ArrayList<>();
      for (DemoSong song : SONGS) {
        Path file = folder.resolve(song.fileName());
        long mtime = stampContentTime(file);
        long durationMs = Math.round(song.samples() * 1000.0 / Synth.RATE);
        tracks.add(
            catalog.upsertLibraryTrack(
                file,
                song.title(),
                song.artist(),
                ALBUM,
                durationMs,
                MEDIA_TYPE,
                size(song),
                mtime));
      }
      long totalMillis = (System.nanoTime() - started) / 1_000_000;
      if (missing.isEmpty()) {
        LOG.info(
            "demo catalog: {} tracks present in {} ({} ms)", SONGS.size(), folder, totalMillis);
      } else {
        LOG.info(
            "demo catalog: generated {} of {} tracks ({} s of audio) in {} ms, registered in {} ms total, in {}",
            missing.size(),
            SONGS.size(),
            missing.stream().mapToInt(DemoSong::seconds).sum(),
            generatedMillis,
            totalMillis,
            folder);
      }
      return List.copyOf(tracks);
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException(
          "cannot write the demo catalog to " + folder + ": " + e.getMessage(),
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
  }

  /**
   * Sets the file's modification time to one computed from its bytes (a second of 2020 to 2024,
   * from their CRC-32) and returns it: the same bytes get the same time on every instance, other
   * bytes (a later version's rendering) almost surely another one.
   */
  static long stampContentTime(Path file) throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    }
    long millis = STAMP_FROM + crc.getValue() % STAMP_SECONDS * 1000;
    if (Files.getLastModifiedTime(file).toMillis() != millis) {
      Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
    }
    return millis;
  }

  private static long size(DemoSong song) {
    return WavFile.size(song.samples(), song.info(ALBUM));
  }

  private static void generate(DemoSong song, Path file) {
    try {
      WavFile.write(file, Synth.render(song), Synth.RATE, song.info(ALBUM));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
