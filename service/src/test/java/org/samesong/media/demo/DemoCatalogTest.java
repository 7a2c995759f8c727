package org.samesong.media.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Page;
import org.samesong.catalog.Track;
import org.samesong.media.stream.StreamSigner;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestDatabase;

/**
 * The generated demo catalog as a listener and a tag reader meet it: real WAV files of one to three
 * minutes, audible, different from each other, tagged, in the catalog, made once.
 */
class DemoCatalogTest {
  @TempDir static Path dataDir;

  private static TestDatabase db;
  private static CatalogService catalog;
  private static DemoCatalog demo;
  private static List<Track> tracks;
  private static long firstRunMillis;

  @BeforeAll
  static void generate() {
    db = TestDatabase.h2();
    MutableClock clock = new MutableClock();
    catalog = new CatalogService(db.jdbi(), new StreamSigner(new byte[32], clock), clock);
    demo = new DemoCatalog(catalog);
    long started = System.nanoTime();
    tracks = demo.ensure(dataDir);
    firstRunMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "demo catalog: first run (generation and registration) took %d ms%n", firstRunMillis);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  private static Path file(Track track) {
    return Path.of(track.location());
  }

  /** The samples of a WAV file as read by Java Sound, scaled to -1..1. */
  private static double[] samples(Path file) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
      byte[] bytes = in.readAllBytes();
      ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      double[] samples = new double[bytes.length / 2];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = buffer.getShort() / 32768.0;
      }
      return samples;
    }
  }

  private static double rms(double[] samples, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += samples[i] * samples[i];
    }
    return Math.sqrt(sum / (to - from));
  }

  /**
   * The equal-tempered note (MIDI number, 36-96) with the most energy between 10 s and 40 s:
   * Goertzel filters over Hann-windowed blocks of 8192 samples.
   */
  private static int dominantNote(double[] samples, float rate) {
    int block = 8192;
    double[] window = new double[block];
    for (int i = 0; i < block; i++) {
      window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (block - 1));
    }
    int best = -1;
    double bestEnergy = -1;
    for (int note = 36; note <= 96; note++) {
      double frequency = 440 * Math.pow(2, (note - 69) / 12.0);
      double coefficient = 2 * Math.cos(2 * Math.PI * frequency / rate);
      double energy = 0;
      for (int start = (int) (10 * rate); start + block <= (int) (40 * rate); start += block) {
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < block; i++) {
          double s = samples[start + i] * window[i] + coefficient * s1 - s2;
          s2 = s1;
          s1 = s;
        }
        energy += s1 * s1 + s2 * s2 - coefficient * s1 * s2;
      }
      if (energy > bestEnergy) {
        bestEnergy = energy;
        best = note;
      }
    }
    return best;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** The RIFF INFO tags of a WAV file, read the way a tag reader does. */
  private static Map<String, String> infoTags(Path file) throws IOException {
    ByteBuffer riff = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(ascii(riff, 4)).isEqualTo("RIFF");
    assertThat(riff.getInt()).as("RIFF size").isEqualTo(riff.capacity() - 8);
    assertThat(ascii(riff, 4)).isEqualTo("WAVE");
    Map<String, String> tags = new LinkedHashMap<>();
    while (riff.remaining() >= 8) {
      String id = ascii(riff, 4);
      int size = riff.getInt();
      int end = riff.position() + size + (size % 2);
      if (id.equals("LIST") && ascii(riff, 4).equals("INFO")) {
        while (riff.position() < end) {
          String tag = ascii(riff, 4);
          int length = riff.getInt();
          byte[] text = new byte[length];
          riff.get(text);
          if (length % 2 == 1) {
            riff.get();
          }
          tags.put(tag, new String(text, StandardCharsets.UTF_8).replace("\0", ""));
        }
      }
      riff.position(end);
    }
    return tags;
  }

  private static String ascii(ByteBuffer buffer, int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  @Test
  void at_least_four_demo_tracks_are_in_the_catalog_and_findable() {
    assertThat(tracks).hasSizeGreaterThanOrEqualTo(4);
    assertThat(tracks).extracting(Track::title).doesNotHaveDuplicates();
    assertThat(tracks).extracting(Track::artist).doesNotContainNull();
    Page page = catalog.search("samesong demo", 100, 0);
    assertThat(page.items()).containsExactlyInAnyOrderElementsOf(tracks);
    for (Track track : tracks) {
      assertThat(track.album()).isEqualTo(DemoCatalog.ALBUM);
      assertThat(track.source()).isEqualTo(Track.LIBRARY);
      assertThat(track.mediaType()).isEqualTo("audio/wav");
      assertThat(file(track)).startsWith(dataDir.resolve("demo"));
      assertThat(catalog.search(track.title().toUpperCase(), 100, 0).items()).contains(track);
    }
  }

  @Test
  void every_file_is_a_wav_java_sound_plays_and_as_long_as_the_catalog_says() throws Exception {
    for (Track track : tracks) {
      try (AudioInputStream in = AudioSystem.getAudioInputStream(file(track).toFile())) {
        AudioFormat format = in.getFormat();
        assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        assertThat(format.getSampleRate()).isEqualTo(22050f);
        assertThat(format.getSampleSizeInBits()).isEqualTo(16);
        assertThat(format.getChannels()).isEqualTo(1);
        assertThat(format.isBigEndian()).isFalse();
        double seconds = in.getFrameLength() / format.getFrameRate();
        assertThat(seconds).as("%s length", track.title()).isBetween(60.0, 180.0);
        assertThat(Math.abs(seconds * 1000 - track.durationMs()))
            .as("%s duration_ms", track.title())
            .isLessThan(1.0);
      }
      assertThat(AudioSystem.getAudioFileFormat(file(track).toFile()).getType())
          .isEqualTo(javax.sound.sampled.AudioFileFormat.Type.WAVE);
    }
  }

  @Test
  void every_track_is_audible_from_start_to_end() throws Exception {
    for (Track track : tracks) {
      double[] samples = samples(file(track));
      double whole = rms(samples, 0, samples.length);
      assertThat(whole).as("%s RMS", track.title()).isGreaterThan(0.05);
      int window = 5 * 22050;
      List<String> quiet = new ArrayList<>();
      for (int start = 0; start + window <= samples.length; start += window) {
        double level = rms(samples, start, start + window);
        if (level < 0.02) {
          quiet.add(start / 22050 + " s: " + level);
        }
      }
      assertThat(quiet).as("%s: quiet stretches", track.title()).isEmpty();
      double peak = 0;
      for (double s : samples) {
        peak = Math.max(peak, Math.abs(s));
      }
      assertThat(peak).as("%s peak, not clipping", track.title()).isBetween(0.5, 0.95);
      System.out.printf("%s: RMS %.3f, peak %.3f%n", track.title(), whole, peak);
    }
  }

  @Test
  void the_tracks_sound_different_from_each_other() throws Exception {
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, Integer> notes = new LinkedHashMap<>();
    for (Track track : tracks) {
      hashes.put(track.title(), sha256(file(track)));
      notes.put(track.title(), dominantNote(samples(file(track)), 22050f));
    }
    System.out.println("dominant notes (MIDI): " + notes);
    assertThat(hashes.values()).doesNotHaveDuplicates();
    assertThat(notes.values()).as("dominant notes %s", notes).doesNotHaveDuplicates();
  }

  @Test
  void tag_readers_see_title_artist_and_album() throws Exception {
    for (Track track : tracks) {
      Map<String, String> tags = infoTags(file(track));
      assertThat(tags).containsEntry("INAM", track.title());
      assertThat(tags).containsEntry("IART", track.artist());
      assertThat(tags).containsEntry("IPRD", DemoCatalog.ALBUM);
    }
  }

  @Test
  void a_second_start_changes_nothing_and_a_damaged_file_is_made_again() throws Exception {
    Map<Path, FileTime> modified = new LinkedHashMap<>();
    Map<Path, String> hashes = new LinkedHashMap<>();
    for (Track track : tracks) {
      modified.put(file(track), Files.getLastModifiedTime(file(track)));
      hashes.put(file(track), sha256(file(track)));
    }
    Map<String, Long> updated = updatedAt();

    List<Track> again = demo.ensure(dataDir);

    assertThat(again).isEqualTo(tracks);
    for (Track track : tracks) {
      assertThat(Files.getLastModifiedTime(file(track))).isEqualTo(modified.get(file(track)));
    }
    assertThat(updatedAt()).as("no catalog row rewritten").isEqualTo(updated);
    assertThat(catalog.search("", 100, 0).total()).isEqualTo(tracks.size());

    Path deleted = file(tracks.get(0));
    Path truncated = file(tracks.get(1));
    Files.delete(deleted);
    try (InputStream in = new ByteArrayInputStream(new byte[1000])) {
      Files.copy(in, truncated, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    List<Track> repaired = demo.ensure(dataDir);

    assertThat(repaired).extracting(Track::id).isEqualTo(tracks.stream().map(Track::id).toList());
    assertThat(sha256(deleted)).isEqualTo(hashes.get(deleted));
    assertThat(sha256(truncated)).isEqualTo(hashes.get(truncated));
    assertThat(catalog.search("", 100, 0).total()).isEqualTo(tracks.size());
    try (var files = Files.list(dataDir.resolve("demo"))) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
          .as("no temporary file left behind")
          .allMatch(name -> name.endsWith(".wav"))
          .hasSize(tracks.size());
    }
  }

  @Test
  void another_instance_makes_the_same_files_with_the_same_modification_times(
      @TempDir Path otherDataDir) throws Exception {
    // a second instance: its own data folder and catalog, files made a little later
    TestDatabase otherDb = TestDatabase.h2();
    try {
      MutableClock clock = new MutableClock();
      List<Track> theirs =
          new DemoCatalog(
                  new CatalogService(otherDb.jdbi(), new StreamSigner(new byte[32], clock), clock))
              .ensure(otherDataDir);

      assertThat(theirs).hasSameSizeAs(tracks);
      for (int i = 0; i < tracks.size(); i++) {
        Path mine = file(tracks.get(i));
        Path other = file(theirs.get(i));
        assertThat(other).isNotEqualTo(mine);
        assertThat(sha256(other)).isEqualTo(sha256(mine));
        // the stream's ETag is size and modification time; Last-Modified is the time
        assertThat(Files.getLastModifiedTime(other)).isEqualTo(Files.getLastModifiedTime(mine));
      }

      // a file made before the times were stamped gets its time on the next start
      Path older = file(theirs.get(0));
      Files.setLastModifiedTime(older, FileTime.fromMillis(1_000_000_000_000L));
      new DemoCatalog(
              new CatalogService(otherDb.jdbi(), new StreamSigner(new byte[32], clock), clock))
          .ensure(otherDataDir);
      assertThat(Files.getLastModifiedTime(older))
          .isEqualTo(Files.getLastModifiedTime(file(tracks.get(0))));
    } finally {
      otherDb.close();
    }
  }

  private static Map<String, Long> updatedAt() {
    return db.jdbi()
        .withHandle(
            h ->
                h
                    .createQuery("SELECT id, updated_at FROM tracks")
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("updated_at")))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }
}
