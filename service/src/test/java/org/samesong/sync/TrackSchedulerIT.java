package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Api;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.WsClient;

/**
 * The server's own timing, with the system clock: the advance at the end of a track and the {@code
 * playback_state} heartbeat. The scheduler waits in real time for what the injected clock says, so
 * a {@link org.samesong.testing.MutableClock} that nobody moves would never reach a track's end;
 * these few tests run a server on the real clock instead (with short real waits: a track is sought
 * to 300 ms before its end, the heartbeat set to one second) and assert only what the timing makes
 * certain, never how fast it came.
 */
class TrackSchedulerIT {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static TestDatabase db;
  private static Path dataDir;
  private static LiveApp app;
  private WsClient hostWs;
  private WsClient guestWs;

  @BeforeAll
  static void start() throws IOException {
    db = TestDatabase.h2();
    dataDir = Files.createTempDirectory("samesong-clock-");
    app =
        LiveApp.start(
            Clock.systemUTC(),
            dataDir,
            ConfigOverride.config("database.url", db.url()),
            ConfigOverride.config("database.user", db.user()),
            ConfigOverride.config("database.password", db.password()));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      db.close();
      LiveApp.deleteTree(dataDir);
    }
  }

  private Api api;
  private Host host;
  private List<JsonNode> tracks;

  @BeforeEach
  void session() {
    api = app.api();
    String admin = api.adminToken();
    host = Scenario.createSession(api, admin);
    tracks = Scenario.tracks(api, admin);
  }

  @AfterEach
  void disconnect() {
    for (WsClient ws : new WsClient[] {hostWs, guestWs}) {
      if (ws != null) {
        ws.close();
      }
    }
  }

  private static long epochMs(JsonNode state) {
    return Instant.parse(state.path("updated_at").asText()).toEpochMilli();
  }

  @Test
  void
      at_the_end_of_a_track_the_server_advances_everyone_to_the_next_item_and_pauses_after_the_last() {
    JsonNode first = tracks.get(0);
    JsonNode second = tracks.get(1);
    Scenario.addTrack(api, host, first.path("id").asText());
    JsonNode secondItem = Scenario.addTrack(api, host, second.path("id").asText());
    Guest guest = Scenario.join(api, host, "Ada");
    hostWs = WsClient.connectOk(app.port(), host.sessionId(), host.token()).client();
    guestWs = WsClient.connectOk(app.port(), host.sessionId(), guest.token()).client();
    Scenario.playback(api, host, "play", null);

    JsonNode sought =
        Scenario.playback(api, host, "seek", first.path("duration_ms").asLong() - 300);

    for (WsClient ws : List.of(hostWs, guestWs)) {
      JsonNode next =
          ws.awaitMessage(
              m ->
                  "playback_state".equals(m.path("type").asText())
                      && secondItem.path("item_id").asText().equals(m.path("item_id").asText()),
              WAIT,
              "playback_state of the second item");
      assertThat(next.path("state").asText()).isEqualTo("playing");
      assertThat(next.path("track_id").asText()).isEqualTo(second.path("id").asText());
      assertThat(next.path("position_ms").asLong()).isZero();
      // it started exactly when the first ended
      assertThat(epochMs(next)).isEqualTo(epochMs(sought) + 300);
    }
    JsonNode stored = Scenario.session(api, host).path("playback_state");
    assertThat(stored.path("item_id").asText()).isEqualTo(secondItem.path("item_id").asText());
    assertThat(stored.path("state").asText()).isEqualTo("playing");

    long secondDuration = second.path("duration_ms").asLong();
    JsonNode nearEnd = Scenario.playback(api, host, "seek", secondDuration - 300);

    for (WsClient ws : List.of(hostWs, guestWs)) {
      JsonNode end =
          ws.awaitMessage(
              m ->
                  // the second item's: an idle heartbeat from before the first play may be
                  // waiting in the queue too (it is paused as well)
                  "playback_state".equals(m.path("type").asText())
                      && "paused".equals(m.path("state").asText())
                      && secondItem.path("item_id").asText().equals(m.path("item_id").asText()),
              WAIT,
              "playback_state paused at the end of the playlist");
      assertThat(end.path("item_id").asText())
          .as("the paused state at the end: %s", end)
          .isEqualTo(secondItem.path("item_id").asText());
      assertThat(end.path("position_ms").asLong()).isEqualTo(secondDuration);
      assertThat(epochMs(end)).isEqualTo(epochMs(nearEnd) + 300);
    }
  }

  @Test
  void the_heartbeat_repeats_the_playback_state_when_the_resync_interval_has_passed() {
    String admin = api.adminToken();
    Scenario.addTrack(api, host, tracks.get(0).path("id").asText());
    JsonNode playing = Scenario.playback(api, host, "play", null);
    try {
      api.patch("admin/settings", Map.of("resync_interval_ms", 1000), admin);
      WsClient.Connected connected = WsClient.connectOk(app.port(), host.sessionId(), host.token());
      hostWs = connected.client();
      long since = connected.hello().path("server_time").asLong();

      JsonNode beat = hostWs.awaitType("playback_state", WAIT);
      JsonNode again =
          hostWs.awaitMessage(
              m ->
                  "playback_state".equals(m.path("type").asText())
                      && m.path("seq").asLong() > beat.path("seq").asLong(),
              WAIT,
              "a second heartbeat");

      for (JsonNode b : List.of(beat, again)) {
        // nothing changed: the same state as the play command stored, told again
        assertThat(b.path("item_id").asText()).isEqualTo(playing.path("item_id").asText());
        assertThat(b.path("state").asText()).isEqualTo("playing");
        assertThat(b.path("position_ms").asLong()).isEqualTo(playing.path("position_ms").asLong());
        assertThat(b.path("updated_at").asText()).isEqualTo(playing.path("updated_at").asText());
        assertThat(b.path("server_time").asLong()).isGreaterThanOrEqualTo(since);
      }
      assertThat(again.path("server_time").asLong() - beat.path("server_time").asLong())
          .as("a resync interval between two heartbeats")
          .isGreaterThanOrEqualTo(1000);
    } finally {
      api.patch("admin/settings", Map.of("resync_interval_ms", 10_000), admin);
    }
  }
}
