package org.samesong.media.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.samesong.testing.ApiAssertions.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.app.SamesongApplication;
import org.samesong.media.AudioFixtures;
import org.samesong.media.AudioFixtures.Tags;
import org.samesong.media.demo.DemoCatalog;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The library through the real application: a folder of generated files given as {@code
 * SAMESONG_LIBRARY} (with a second folder that does not exist) is scanned at start; its tracks show
 * in the catalog; {@code /api/admin/library}, the {@code media} health check and the admin tasks
 * tell how the scan went.
 */
class LibraryResourceIT {
  private static final Path ROOT = tempDir();
  private static final Path LIBRARY = ROOT.resolve("music");
  private static final Path MISSING = ROOT.resolve("not-mounted");

  static {
    AudioFixtures.wav(LIBRARY.resolve("a.wav"), 1_000, new Tags("Scanned Wav", "Ada", "Live"));
    AudioFixtures.mp3(LIBRARY.resolve("b/b.mp3"), 1_200, new Tags("Scanned Mp3", "Ben", "Live"));
    AudioFixtures.flac(LIBRARY.resolve("b/c.flac"), 1_500, new Tags("Scanned Flac", "Cleo", null));
    AudioFixtures.wav(LIBRARY.resolve("scanned untitled.wav"), 300, Tags.NONE);
    AudioFixtures.corrupt(LIBRARY.resolve("scanned-broken.flac"));
  }

  @RegisterExtension
  static final TestServer APP =
      TestServer.on(
          TestDatabase.Kind.H2, ConfigOverride.config("library", LIBRARY + ":" + MISSING));

  private String admin;

  @BeforeEach
  void startUpScanDone() throws InterruptedException {
    admin = APP.sharedAdminToken();
    scanner().awaitIdle(Duration.ofMinutes(2));
  }

  @AfterAll
  static void removeFiles() throws IOException {
    try (var paths = Files.walk(ROOT)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-library-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LibraryScanner scanner() {
    return ((SamesongApplication) APP.getApplication()).services().scanner();
  }

  private Reply task(String name, String query) {
    var target = APP.client().target("http://localhost:" + APP.getAdminPort() + "/tasks/" + name);
    if (query != null) {
      String[] pair = query.split("=", 2);
      target = target.queryParam(pair[0], pair.length > 1 ? pair[1] : "");
    }
    return Reply.of(target.request().post(Entity.entity("", MediaType.TEXT_PLAIN_TYPE)));
  }

  private Reply health() {
    return Reply.of(
        APP.client()
            .target("http://localhost:" + APP.getAdminPort() + "/healthcheck")
            .request()
            .get());
  }

  private List<JsonNode> tracks(String q) {
    Reply reply = APP.get("catalog/tracks?limit=100&q=" + q.replace(" ", "%20"), admin);
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    reply.json().path("items").forEach(items::add);
    return items;
  }

  private JsonNode track(String title) {
    List<JsonNode> found =
        tracks(title).stream().filter(t -> t.path("title").asText().equals(title)).toList();
    assertThat(found).as("tracks titled %s", title).hasSize(1);
    return found.get(0);
  }

  @Test
  void the_start_up_scan_puts_the_library_in_the_catalog() {
    JsonNode wav = track("Scanned Wav");
    assertThat(wav.path("artist").asText()).isEqualTo("Ada");
    assertThat(wav.path("album").asText()).isEqualTo("Live");
    assertThat(wav.path("duration_ms").asLong()).isCloseTo(1_000, within(3L));
    assertThat(wav.path("media_type").asText()).isEqualTo("audio/wav");
    assertThat(wav.path("source").asText()).isEqualTo("library");
    JsonNode mp3 = track("Scanned Mp3");
    assertThat(mp3.path("duration_ms").asLong()).isCloseTo(1_200, within(3L));
    assertThat(mp3.path("media_type").asText()).isEqualTo("audio/mpeg");
    JsonNode flac = track("Scanned Flac");
    assertThat(flac.path("artist").asText()).isEqualTo("Cleo");
    assertThat(flac.path("album").isNull()).isTrue();
    assertThat(flac.path("media_type").asText()).isEqualTo("audio/flac");
    assertThat(track("scanned untitled").path("duration_ms").asLong()).isCloseTo(300, within(3L));
    assertThat(tracks("scanned-broken")).isEmpty();
    // the demo tracks are still there beside the library
    assertThat(tracks(DemoCatalog.ALBUM)).hasSize(4);
  }

  @Test
  void admin_library_shows_folders_problems_progress_and_ffmpeg() {
    Reply reply = APP.get("admin/library", admin);

    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.path("folders").get(0).asText()).isEqualTo(LIBRARY.toString());
    assertThat(body.path("folders").get(1).asText()).isEqualTo(MISSING.toString());
    assertThat(body.path("folder_problems")).hasSize(1);
    assertThat(body.path("folder_problems").get(0).path("folder").asText())
        .isEqualTo(MISSING.toString());
    assertThat(body.path("folder_problems").get(0).path("problem").asText())
        .isEqualTo("does not exist");
    assertThat(body.path("ffmpeg").asText()).isNotBlank();
    JsonNode progress = body.path("progress");
    assertThat(progress.path("state").asText()).isEqualTo("done");
    assertThat(progress.path("files_total").asInt()).isEqualTo(5);
    assertThat(progress.path("files_seen").asInt()).isEqualTo(5);
    assertThat(progress.path("added").asInt() + progress.path("unchanged").asInt()).isEqualTo(4);
    assertThat(progress.path("skipped").asInt()).isEqualTo(1);
    assertThat(progress.path("started_at").isIntegralNumber()).isTrue();
    assertThat(progress.path("finished_at").isIntegralNumber()).isTrue();
    assertThat(progress.path("folder_problems").get(0).path("folder").asText())
        .isEqualTo(MISSING.toString());
  }

  @Test
  void post_scan_answers_202_with_the_running_scan_and_finds_new_files()
      throws InterruptedException, IOException {
    Path late =
        AudioFixtures.wav(
                LIBRARY.resolve("new/late.wav"), 800, new Tags("Scanned Late", "Dee", "X"))
            .path();
    try {
      Reply reply = APP.post("admin/library/scan", "", admin);

      assertThat(reply.status()).as("%s", reply).isEqualTo(202);
      assertThat(reply.json().path("state").asText()).isEqualTo("running");
      ScanProgress done = scanner().awaitIdle(Duration.ofMinutes(2));
      assertThat(done.state()).isEqualTo(ScanProgress.State.DONE);
      assertThat(done.added()).isEqualTo(1);
      assertThat(track("Scanned Late").path("artist").asText()).isEqualTo("Dee");
    } finally {
      // the other tests count the library's files
      Files.delete(late);
      scanner().startScan();
      scanner().awaitIdle(Duration.ofMinutes(2));
    }
    assertThat(tracks("Scanned Late")).isEmpty();
  }

  @Test
  void only_admins_reach_the_library() {
    String user = TestServer.uniqueName("lib");
    APP.createUser(admin, user, "password-123-Tq8vZw", "user");
    String userToken = APP.loginOk(user, "password-123-Tq8vZw").text("access_token");

    assertError(APP.get("admin/library", null), 401, "unauthorized");
    assertError(APP.get("admin/library", userToken), 403, "forbidden");
    assertError(APP.post("admin/library/scan", "", userToken), 403, "forbidden");
  }

  @Test
  void the_media_health_check_names_the_missing_folder() {
    Reply reply = health();

    JsonNode media = reply.json().path("media");
    assertThat(media.path("healthy").asBoolean(true)).as("%s", reply).isFalse();
    assertThat(media.path("message").asText()).contains(MISSING.toString(), "does not exist");
    assertThat(media.path("ffmpeg").asText()).isNotBlank();
    assertThat(media.path("scan").asText()).isEqualTo("done");
  }

  @Test
  void the_library_scan_task_waits_for_the_scan_and_prints_its_progress() {
    Reply scan = task("library-scan", "wait=true");

    assertThat(scan.status()).as("%s", scan).isEqualTo(200);
    assertThat(scan.body()).contains("state: done\n", "files: 5 of 5\n", "skipped 1");
    assertThat(scan.body()).contains("folder problem: " + MISSING + " does not exist");

    Reply status = task("library-status", null);
    assertThat(status.body()).contains("state: done\n", "ffmpeg: ");

    Reply bad = task("library-scan", "wait=soon");
    assertThat(bad.body()).startsWith("error: wait must be");
  }

  @Test
  void changing_the_folders_setting_rescans_and_the_health_check_recovers()
      throws InterruptedException {
    try {
      APP.setSettings(admin, Map.of("library_folders", List.of(LIBRARY.toString())));
      ScanProgress progress = scanner().awaitIdle(Duration.ofMinutes(2));

      assertThat(progress.folders()).containsExactly(LIBRARY.toString());
      assertThat(progress.folderProblems()).isEmpty();
      JsonNode media = health().json().path("media");
      assertThat(media.path("healthy").asBoolean()).isTrue();
      assertThat(track("Scanned Wav")).isNotNull();
    } finally {
      APP.setSettings(
          admin, Map.of("library_folders", List.of(LIBRARY.toString(), MISSING.toString())));
      scanner().awaitIdle(Duration.ofMinutes(2));
    }
  }
}
