package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Api;
import org.samesong.testing.MutableClock;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.WsClient;

/**
 * A restart loses nothing the listeners need: the application runs on an H2 file database in a
 * temporary data folder (the default installation), is stopped, and a new one starts on the same
 * folder and JWT secret; the clients reconnect with the tokens they had and their {@code hello}
 * carries the same playlist, the playback state (still playing, at the position the clock says)
 * and, for the host, the pending request. The clock is the test's, shared by both runs, so the
 * downtime is exact.
 */
class ReconnectAfterRestartIT {
  private final List<AutoCloseable> open = new ArrayList<>();
  private Path dataDir;

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    LiveApp.deleteTree(dataDir);
  }

  private LiveApp start(MutableClock clock) {
    LiveApp app =
        LiveApp.start(
            clock,
            dataDir,
            // the default installation: an H2 file in the data folder
            ConfigOverride.config(
                "database.url",
                "jdbc:h2:file:" + dataDir.resolve("samesong") + ";DB_CLOSE_ON_EXIT=FALSE"),
            ConfigOverride.config("database.user", "sa"),
            ConfigOverride.config("database.password", ""));
    open.add(app);
    return app;
  }

  private WsClient.Connected connect(LiveApp app, String sessionId, String token) {
    WsClient.Connected c = WsClient.connectOk(app.port(), sessionId, token);
    open.add(c.client());
    return c;
  }

  /**
   * The playlist without its signed stream URLs (they expire relative to the clock, so they
   * change).
   */
  private static JsonNode withoutStreamUrls(JsonNode playlist) {
    JsonNode copy = playlist.deepCopy();
    copy.path("items").forEach(item -> ((ObjectNode) item.path("track")).remove("stream_url"));
    return copy;
  }

  private static long positionAt(JsonNode state, long serverTime) {
    long position = state.path("position_ms").asLong();
    return "playing".equals(state.path("state").asText())
        ? position + (serverTime - Instant.parse(state.path("updated_at").asText()).toEpochMilli())
        : position;
  }

  @Test
  void after_a_restart_clients_reconnect_with_their_tokens_and_find_everything_as_it_was()
      throws Exception {
    dataDir = Files.createTempDirectory("samesong-restart-");
    MutableClock clock = new MutableClock();

    // --- first run: a session playing, with a pending request
    LiveApp first = start(clock);
    Api api = first.api();
    String admin = api.adminToken();
    Host host = Scenario.createSession(api, admin);
    List<JsonNode> tracks = Scenario.tracks(api, admin);
    Scenario.addTrack(api, host, tracks.get(0).path("id").asText());
    Scenario.addTrack(api, host, tracks.get(1).path("id").asText());
    Guest guest = Scenario.join(api, host, "Phoenix");
    JsonNode request =
        Scenario.request(api, host, guest, tracks.get(2 % tracks.size()).path("id").asText());
    Scenario.playback(api, host, "play", null);
    clock.advance(Duration.ofSeconds(5));
    WsClient.Connected hostBefore = connect(first, host.sessionId(), host.token());
    WsClient.Connected guestBefore = connect(first, host.sessionId(), guest.token());
    JsonNode playlistBefore = hostBefore.hello().path("playlist");
    assertThat(positionAt(hostBefore.hello().path("playback_state"), clock.millis()))
        .isEqualTo(5_000);
    guestBefore.client().awaitType("member_update");
    long lastSeqBefore =
        guestBefore.client().received().stream()
            .mapToLong(m -> m.path("seq").asLong())
            .max()
            .orElseThrow();

    // --- restart: connections drop, the process is gone for 7 s, a new one starts on the same
    // files
    first.close();
    hostBefore.client().awaitClose();
    assertThat(dataDir.resolve("samesong.mv.db")).exists();
    clock.advance(Duration.ofSeconds(7));
    LiveApp second = start(clock);
    assertThat(second.port()).isPositive();

    WsClient.Connected hostAfter = connect(second, host.sessionId(), host.token());
    WsClient.Connected guestAfter = connect(second, host.sessionId(), guest.token());

    for (WsClient.Connected c : List.of(hostAfter, guestAfter)) {
      JsonNode hello = c.hello();
      assertThat(withoutStreamUrls(hello.path("playlist")))
          .as("playlist after the restart")
          .isEqualTo(withoutStreamUrls(playlistBefore));
      JsonNode state = hello.path("playback_state");
      assertThat(state.path("state").asText()).isEqualTo("playing");
      assertThat(state.path("item_id").asText())
          .isEqualTo(playlistBefore.at("/items/0/item_id").asText());
      assertThat(positionAt(state, hello.path("server_time").asLong()))
          .as("position = position_ms + (server_time - updated_at)")
          .isEqualTo(12_000);
    }
    assertThat(hostAfter.hello().path("role").asText()).isEqualTo("host");
    assertThat(hostAfter.hello().path("pending_requests")).hasSize(1);
    assertThat(hostAfter.hello().at("/pending_requests/0/request_id").asText())
        .isEqualTo(request.path("request_id").asText());
    assertThat(guestAfter.hello().has("pending_requests")).isFalse();
    assertThat(guestAfter.hello().path("member_id").asText()).isEqualTo(guest.memberId());

    // the session's numbering goes on after the restart: no broadcast repeats an old number
    JsonNode firstBroadcast = guestAfter.client().awaitType("member_update");
    assertThat(firstBroadcast.path("seq").asLong()).isGreaterThan(lastSeqBefore);
    // and hello, a direct reply, carries a number no lower than what was seen before the restart
    assertThat(hostAfter.hello().path("seq").asLong()).isGreaterThanOrEqualTo(lastSeqBefore);
    // (a broadcast queued while hello was being built may carry hello's own number: hello is the
    // state as of that number, and the broadcast repeats part of it)
    assertThat(firstBroadcast.path("seq").asLong())
        .isGreaterThanOrEqualTo(guestAfter.hello().path("seq").asLong());

    // and the session works: the host approves the request over the new connection
    hostAfter
        .client()
        .send(Map.of("type", "approve_request", "request_id", request.path("request_id").asText()));
    JsonNode approved =
        guestAfter
            .client()
            .awaitType(
                "request_update", m -> "approved".equals(m.path("status").asText()), "approved");
    assertThat(approved.path("request_id").asText()).isEqualTo(request.path("request_id").asText());
    JsonNode update = guestAfter.client().awaitType("playlist_update");
    assertThat(update.path("version").asLong())
        .isEqualTo(playlistBefore.path("version").asLong() + 1);
  }
}
