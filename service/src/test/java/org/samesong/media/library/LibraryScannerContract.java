package org.samesong.media.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dropwizard.jackson.Jackson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.app.Services;
import org.samesong.auth.TokenService;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.media.AudioFixtures;
import org.samesong.media.AudioFixtures.Fixture;
import org.samesong.media.AudioFixtures.Tags;
import org.samesong.media.Ffmpeg;
import org.samesong.media.demo.DemoCatalog;
import org.samesong.media.library.ScanProgress.State;
import org.samesong.media.stream.StreamSigner;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;

/**
 * The library scan against a real database (H2 and PostgreSQL subclasses) over folders of real,
 * generated audio files: what the catalog holds after a scan and after changes to the files and to
 * the {@code library_folders} setting, and what the progress says.
 */
abstract class LibraryScannerContract {
  private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(2);

  /** Durations come from frame counts and sample counts: a few ms at most from the truth. */
  private static final long TOLERANCE_MS = 3;

  @TempDir Path dir;

  private TestDatabase db;
  private MutableClock clock;
  private Services services;
  private LibraryScanner scanner;
  private CatalogService catalog;

  protected abstract TestDatabase.Kind kind();

  @BeforeEach
  void wire() {
    db = kind().create();
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    byte[] secret = TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
    services =
        Services.wire(
            db.jdbi(),
            Jackson.newObjectMapper(),
            clock,
            new TokenService(secret, clock),
            StreamSigner.derivedFrom(secret, clock),
            Services::inProcessBus,
            null,
            Map.of(),
            Map.of(),
            Ffmpeg.absent(),
            dir.resolve("data"),
            new SamesongMetrics());
    scanner = services.scanner();
    catalog = services.catalog();
  }

  @AfterEach
  void close() {
    if (scanner != null) {
      scanner.close();
    }
    if (db != null) {
      db.close();
    }
  }

  /** Sets {@code library_folders} through the settings (a change starts a scan) and waits. */
  private ScanProgress configure(Path... folders) throws InterruptedException {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (Path folder : folders) {
      list.add(folder.toAbsolutePath().toString());
    }
    services.settings().update(Map.<String, JsonNode>of("library_folders", list));
    return scanner.awaitIdle(SCAN_TIMEOUT);
  }

  private ScanProgress rescan() throws InterruptedException {
    scanner.startScan();
    return scanner.awaitIdle(SCAN_TIMEOUT);
  }

  /** The one track with exactly this title that search shows, if any. */
  private Optional<Track> titled(String title) {
    List<Track> found =
        catalog.search(title, CatalogService.MAX_LIMIT, 0).items().stream()
            .filter(t -> t.title().equals(title))
            .toList();
    assertThat(found).as("tracks titled %s", title).hasSizeLessThanOrEqualTo(1);
    return found.stream().findFirst();
  }

  private Track requireTitled(String title) {
    return titled(title).orElseThrow(() -> new AssertionError("no track titled " + title));
  }

  private void assertInCatalog(Fixture fixture, String expectedTitle) {
    Track track = requireTitled(expectedTitle);
    assertThat(track.artist()).as("artist of %s", expectedTitle).isEqualTo(fixture.tags().artist());
    assertThat(track.album()).as("album of %s", expectedTitle).isEqualTo(fixture.tags().album());
    assertThat(track.durationMs())
        .as("duration of %s", expectedTitle)
        .isCloseTo(fixture.durationMs(), within(TOLERANCE_MS));
    assertThat(track.mediaType()).isEqualTo(fixture.mediaType());
    assertThat(track.source()).isEqualTo(Track.LIBRARY);
    assertThat(Path.of(track.location())).isEqualTo(fixture.path().toAbsolutePath().normalize());
  }

  @Test
  void a_scan_puts_tagged_files_in_the_catalog_and_skips_the_corrupt_one() throws Exception {
    Path music = dir.resolve("music");
    Fixture wav =
        AudioFixtures.wav(music.resolve("one.wav"), 1_500, new Tags("Wav Song", "Ann", "First"));
    Fixture untagged = AudioFixtures.wav(music.resolve("Untitled Demo.wav"), 700, Tags.NONE);
    Fixture mp3 =
        AudioFixtures.mp3(
            music.resolve("sub/dir/two.mp3"), 2_400, new Tags("Mp3 Song", "Bob", "Second"));
    Fixture flac =
        AudioFixtures.flac(
            music.resolve("sub/three.flac"), 2_000, new Tags("Flac Song", "Cy", null));
    AudioFixtures.corrupt(music.resolve("broken.mp3"));
    Files.writeString(music.resolve("cover.jpg"), "not audio, not counted");
    AudioFixtures.wav(music.resolve(".hidden.wav"), 300, new Tags("Hidden", null, null));

    ScanProgress progress = configure(music);

    assertThat(progress.state()).isEqualTo(State.DONE);
    assertThat(progress.filesTotal()).isEqualTo(5);
    assertThat(progress.filesSeen()).isEqualTo(5);
    assertThat(progress.added()).isEqualTo(4);
    assertThat(progress.skipped()).isEqualTo(1);
    assertThat(progress.skippedFiles()).singleElement().asString().contains("broken.mp3: ");
    assertThat(progress.updated()).isZero();
    assertThat(progress.removed()).isZero();
    assertThat(progress.lastError()).contains("broken.mp3");
    assertThat(progress.startedAt()).isEqualTo(clock.millis());
    assertThat(progress.finishedAt()).isEqualTo(clock.millis());
    assertThat(progress.folders()).containsExactly(music.toAbsolutePath().toString());
    assertInCatalog(wav, "Wav Song");
    assertInCatalog(untagged, "Untitled Demo");
    assertInCatalog(mp3, "Mp3 Song");
    assertInCatalog(flac, "Flac Song");
    assertThat(titled("Hidden")).isEmpty();
    assertThat(catalog.search("broken", 10, 0).items()).isEmpty();
  }

  @Test
  void a_rescan_reads_changed_files_again_and_removes_vanished_ones() throws Exception {
    Path music = dir.resolve("music");
    Fixture keep = AudioFixtures.wav(music.resolve("keep.wav"), 900, new Tags("Keep", "K", "A"));
    Fixture change =
        AudioFixtures.mp3(music.resolve("change.mp3"), 1_200, new Tags("Before", "Old", "A"));
    Fixture gone = AudioFixtures.flac(music.resolve("gone.flac"), 800, new Tags("Gone", "G", "A"));
    configure(music);
    String changedId = requireTitled("Before").id();
    String goneId = requireTitled("Gone").id();
    String keptId = requireTitled("Keep").id();

    AudioFixtures.retag(change.path(), new Tags("After", "New Artist", "B"));
    Files.setLastModifiedTime(
        change.path(), FileTime.from(Instant.now().plus(Duration.ofMinutes(1))));
    Files.delete(gone.path());
    clock.advance(Duration.ofMinutes(5));
    ScanProgress progress = rescan();

    assertThat(progress.state()).isEqualTo(State.DONE);
    assertThat(progress.filesTotal()).isEqualTo(2);
    assertThat(progress.added()).isZero();
    assertThat(progress.updated()).isEqualTo(1);
    assertThat(progress.unchanged()).isEqualTo(1);
    assertThat(progress.removed()).isEqualTo(1);
    assertThat(progress.skipped()).isZero();
    Track after = requireTitled("After");
    assertThat(after.id()).isEqualTo(changedId);
    assertThat(after.artist()).isEqualTo("New Artist");
    assertThat(after.album()).isEqualTo("B");
    assertThat(titled("Before")).isEmpty();
    assertThat(titled("Gone")).isEmpty();
    assertThat(catalog.find(goneId)).isEmpty();
    assertThat(catalog.findIncludingRemoved(goneId)).isPresent();
    assertThat(requireTitled("Keep").id()).isEqualTo(keptId);
    assertThat(keep.path()).exists();
  }

  @Test
  void unchanged_files_are_not_read_again() throws Exception {
    Path music = dir.resolve("music");
    Fixture wav = AudioFixtures.wav(music.resolve("same.wav"), 600, new Tags("Original", "A", "B"));
    configure(music);
    FileTime mtime = Files.getLastModifiedTime(wav.path());

    // same size, same time, different title bytes: a rescan must not open the file
    byte[] bytes = Files.readAllBytes(wav.path());
    String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("Original", "Replaced");
    Files.write(wav.path(), text.getBytes(StandardCharsets.ISO_8859_1));
    Files.setLastModifiedTime(wav.path(), mtime);
    ScanProgress untouched = rescan();

    assertThat(untouched.unchanged()).isEqualTo(1);
    assertThat(untouched.updated()).isZero();
    assertThat(titled("Original")).isPresent();

    Files.setLastModifiedTime(wav.path(), FileTime.from(mtime.toInstant().plusSeconds(60)));
    ScanProgress touched = rescan();

    assertThat(touched.updated()).isEqualTo(1);
    assertThat(titled("Replaced")).isPresent();
    assertThat(titled("Original")).isEmpty();
  }

  @Test
  void tracks_of_folders_no_longer_configured_leave_but_the_demo_tracks_stay() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    AudioFixtures.wav(first.resolve("a.wav"), 400, new Tags("From First", null, null));
    AudioFixtures.wav(second.resolve("b.wav"), 400, new Tags("From Second", null, null));
    Fixture demo =
        AudioFixtures.wav(
            dir.resolve("data").resolve(DemoCatalog.FOLDER).resolve("demo.wav"),
            400,
            new Tags("Demo Song", null, DemoCatalog.ALBUM));
    catalog.upsertLibraryTrack(
        demo.path(),
        "Demo Song",
        null,
        DemoCatalog.ALBUM,
        400,
        DemoCatalog.MEDIA_TYPE,
        Files.size(demo.path()),
        Files.getLastModifiedTime(demo.path()).toMillis());
    configure(first);
    assertThat(titled("From First")).isPresent();

    ScanProgress progress = configure(second);

    assertThat(progress.folders()).containsExactly(second.toAbsolutePath().toString());
    assertThat(progress.added()).isEqualTo(1);
    assertThat(progress.removed()).isEqualTo(1);
    assertThat(titled("From First")).isEmpty();
    assertThat(titled("From Second")).isPresent();
    assertThat(titled("Demo Song")).isPresent();

    ScanProgress none = configure();

    assertThat(none.state()).isEqualTo(State.DONE);
    assertThat(none.removed()).isEqualTo(1);
    assertThat(titled("From Second")).isEmpty();
    assertThat(titled("Demo Song")).isPresent();
  }

  @Test
  void a_missing_folder_is_reported_and_the_others_are_scanned() throws Exception {
    Path music = dir.resolve("music");
    Path away = dir.resolve("away");
    AudioFixtures.wav(music.resolve("here.wav"), 400, new Tags("Here", null, null));
    AudioFixtures.wav(away.resolve("there.wav"), 400, new Tags("There", null, null));
    configure(music, away);
    assertThat(titled("There")).isPresent();

    // the folder vanishes (an unmounted disk): reported, its tracks kept until it is back
    Files.move(away, dir.resolve("elsewhere"));
    ScanProgress progress = rescan();

    assertThat(progress.state()).isEqualTo(State.DONE);
    assertThat(progress.folderProblems())
        .containsExactly(
            new ScanProgress.FolderProblem(away.toAbsolutePath().toString(), "does not exist"));
    assertThat(progress.lastError()).contains(away.toString(), "does not exist");
    assertThat(progress.unchanged()).isEqualTo(1);
    assertThat(progress.removed()).isZero();
    assertThat(titled("Here")).isPresent();
    assertThat(titled("There")).isPresent();
    assertThat(scanner.folderProblems())
        .extracting(ScanProgress.FolderProblem::folder)
        .containsExactly(away.toAbsolutePath().toString());
  }

  @Test
  void links_inside_a_folder_are_not_followed_but_a_linked_folder_is_scanned() throws Exception {
    Path music = dir.resolve("music");
    Path outside = dir.resolve("outside");
    AudioFixtures.wav(music.resolve("real/inner.wav"), 400, new Tags("Inner", null, null));
    AudioFixtures.wav(outside.resolve("outer.wav"), 400, new Tags("Outer", null, null));
    AudioFixtures.wav(outside.resolve("dir/deep.wav"), 400, new Tags("Deep Outside", null, null));
    Files.createSymbolicLink(music.resolve("outer-link.wav"), outside.resolve("outer.wav"));
    Files.createSymbolicLink(music.resolve("outer-dir"), outside.resolve("dir"));
    Files.createSymbolicLink(music.resolve("inner-dir"), music.resolve("real"));
    Files.createSymbolicLink(music.resolve("real/loop"), music);
    Path linked = Files.createSymbolicLink(dir.resolve("music-link"), music);

    ScanProgress progress = configure(linked);

    assertThat(progress.state()).isEqualTo(State.DONE);
    assertThat(progress.filesTotal()).isEqualTo(1);
    assertThat(titled("Outer")).isEmpty();
    assertThat(titled("Deep Outside")).isEmpty();
    Track inner = requireTitled("Inner");
    assertThat(Path.of(inner.location()))
        .isEqualTo(linked.toAbsolutePath().resolve("real/inner.wav"));
  }

  @Test
  void a_scan_requested_while_one_runs_is_the_running_one() throws Exception {
    Path music = dir.resolve("music");
    for (int i = 0; i < 40; i++) {
      AudioFixtures.mp3(music.resolve("t" + i + ".mp3"), 240, new Tags("Track " + i, null, null));
    }
    ArrayNode list = JsonNodeFactory.instance.arrayNode().add(music.toAbsolutePath().toString());
    services.settings().update(Map.<String, JsonNode>of("library_folders", list));

    ScanProgress again = scanner.startScan();
    ScanProgress finished = scanner.awaitIdle(SCAN_TIMEOUT);

    assertThat(again.state()).isEqualTo(State.RUNNING);
    // one scan read all 40 files: a second one would have found them unchanged
    assertThat(finished.added()).isEqualTo(40);
    assertThat(finished.unchanged()).isZero();
    assertThat(finished.filesSeen()).isEqualTo(40);
  }

  @Test
  void the_health_check_is_healthy_without_folders_and_names_a_missing_one() throws Exception {
    MediaHealthCheck check = new MediaHealthCheck(scanner, Ffmpeg.absent());

    HealthCheck.Result none = check.execute();
    assertThat(none.isHealthy()).isTrue();
    assertThat(none.getMessage()).contains("no library folders configured");
    assertThat(none.getDetails())
        .containsEntry("ffmpeg", Ffmpeg.absent().describe())
        .containsEntry("scan", "idle");

    Path missing = dir.resolve("missing");
    configure(missing);
    HealthCheck.Result bad = check.execute();
    assertThat(bad.isHealthy()).isFalse();
    assertThat(bad.getMessage()).contains(missing.toAbsolutePath().toString(), "does not exist");
    assertThat(bad.getDetails()).containsEntry("scan", "done");
  }

  @Test
  void a_scan_that_cannot_reach_the_database_fails_and_says_so() throws Exception {
    Path music = Files.createDirectories(dir.resolve("music"));
    configure(music);
    AudioFixtures.wav(music.resolve("a.wav"), 300, new Tags("Never Stored", null, null));
    db.close();
    db = null;

    ScanProgress progress = rescan();

    assertThat(progress.state()).isEqualTo(State.FAILED);
    assertThat(progress.lastError()).startsWith("scan failed: ");
    assertThat(progress.finishedAt()).isNotNull();
    assertThat(scanner.progress()).isEqualTo(progress);
  }

  @Test
  void files_encoded_by_ffmpeg_are_scanned_in_every_format() throws Exception {
    Assumptions.assumeTrue(
        AudioFixtures.ffmpegAvailable(),
        "FFmpeg is not installed: MP3/FLAC/Ogg Vorbis/Opus/M4A files are not encoded for this"
            + " test; the pure-Java formats are scanned by the other tests");
    Path music = dir.resolve("music");
    Fixture source = AudioFixtures.wav(dir.resolve("source.wav"), 2_500, Tags.NONE);
    List<Fixture> encoded =
        List.of(
            AudioFixtures.encode(
                source, music.resolve("e.mp3"), new Tags("Lame", "Enc", "X"), false),
            AudioFixtures.encode(
                source, music.resolve("e.flac"), new Tags("Flac Enc", "Enc", "X"), false),
            AudioFixtures.encode(
                source, music.resolve("e.ogg"), new Tags("Vorbis Enc", "Enc", "X"), false),
            AudioFixtures.encode(
                source, music.resolve("e.opus"), new Tags("Opus Enc", "Enc", "X"), false),
            AudioFixtures.encode(
                source, music.resolve("opus.ogg"), new Tags("Opus In Ogg", "Enc", "X"), true),
            AudioFixtures.encode(
                source, music.resolve("e.m4a"), new Tags("Aac Enc", "Enc", "X"), false));

    ScanProgress progress = configure(music);

    assertThat(progress.added()).isEqualTo(encoded.size());
    assertThat(progress.skipped()).isZero();
    for (Fixture fixture : encoded) {
      assertInCatalog(fixture, fixture.tags().title());
    }
  }
}
