package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.system.Story.Snapshot;
import org.samesong.testing.Api;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.Reply;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * PostgreSQL stopped under a running instance and started again: meanwhile every request that needs
 * the database is refused cleanly (503 {@code unavailable} with Retry-After, never a 500 or a stack
 * trace), the health check names the database, WebSocket connections stay open and commands that
 * need the database get an {@code error} message; afterwards everything works again without
 * restarting Samesong, and nothing committed before is lost.
 */
@Tag("faults")
class PostgresOutageIT {
  private static final Client CLIENT = Api.newClient(null);

  @TempDir Path root;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Instance server;

  @AfterEach
  void closeAll() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // close the others
      }
    }
  }

  private <T extends AutoCloseable> T open(T closeable) {
    open.add(closeable);
    return closeable;
  }

  @Test
  void while_postgres_is_down_requests_are_refused_cleanly_and_after_it_everything_works() {
    PrivatePostgres pg = open(PrivatePostgres.create());
    server =
        open(
            Instance.create(
                    "pg",
                    root,
                    Map.of("SAMESONG_DB_URL", pg.jdbcUrl(), "SAMESONG_DB_USER", pg.user()))
                .start());
    Api api = new Api(CLIENT, server::httpPort);
    Host host = Scenario.createSession(api, api.adminToken(), "maintenance night");
    List<String> tracks = Story.trackIds(api, host);
    Story.addTrack(api, host, tracks.get(0));
    Story.addTrack(api, host, tracks.get(1));
    Guest ada = Scenario.join(api, host, "Ada");
    String pendingId =
        Story.request(api, host, ada, Map.of("action", "add", "track_id", tracks.get(2)));
    // heartbeats once a minute: a listener that hears of the next track heard of it from the
    // track's end, not from a heartbeat
    Reply settings =
        api.patch("admin/settings", Map.of("resync_interval_ms", 60_000), api.adminToken());
    assertThat(settings.status()).as("%s", settings).isEqualTo(200);
    JsonNode playlist = api.get("sessions/" + host.sessionId() + "/playlist", host.token()).json();
    long duration = playlist.at("/items/0/track/duration_ms").asLong();
    String nextItem = playlist.at("/items/1/item_id").asText();
    // the first track ends while the database is away
    Scenario.playback(api, host, "play", null);
    JsonNode playing = Scenario.playback(api, host, "seek", duration - 3_000);
    long endsAt = System.currentTimeMillis() + 3_000;
    WsClient hostWs =
        open(WsClient.connectOk(server.httpPort(), host.sessionId(), host.token()).client());
    WsClient adaWs =
        open(WsClient.connectOk(server.httpPort(), host.sessionId(), ada.token()).client());
    Snapshot before = Story.snapshot(api, host);
    pg.stop();
    assertThat(System.currentTimeMillis()).as("stopped before the track's end").isLessThan(endsAt);

    // REST: every call that needs the database says so, the ones that do not still answer
    assertUnavailable(() -> api.get("sessions/" + host.sessionId(), host.token()));
    assertUnavailable(
        () ->
            api.post(
                "auth/login",
                TestServer.credentials(TestServer.ADMIN, TestServer.ADMIN_PASSWORD),
                null));
    assertUnavailable(
        () -> api.post("sessions/" + host.code() + "/join", Map.of("display_name", "Bo"), null));
    assertUnavailable(
        () ->
            api.post(
                "sessions/" + host.sessionId() + "/playback",
                Map.of("action", "seek", "position_ms", 10_000),
                host.token()));
    assertThat(api.get("time", null).status()).isEqualTo(200);
    HttpResponse<String> health = Instance.get(server.adminUri("/healthcheck"));
    assertThat(health.statusCode()).isEqualTo(500);
    assertThat(health.body()).contains("\"database\"").contains("\"healthy\":false");

    // WebSocket: the connections stay; a command that needs the database gets an error
    assertThat(adaWs.ping(1.0).path("type").asText()).isEqualTo("pong");
    hostWs.send(Map.of("type", "approve_request", "request_id", pendingId));
    JsonNode error = hostWs.awaitType("error", Duration.ofSeconds(10));
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    // a playback command needs no database: it is applied in memory, reaches the listeners at
    // once and is stored when the database is back ("play" while playing keeps the schedule)
    long lastSeq = adaWs.received().stream().mapToLong(m -> m.path("seq").asLong()).max().orElse(0);
    hostWs.send(Map.of("type", "playback_command", "action", "play"));
    adaWs.awaitMessage(
        m ->
            "playback_state".equals(m.path("type").asText())
                && "playing".equals(m.path("state").asText())
                && m.path("seq").asLong() > lastSeq,
        Duration.ofSeconds(5),
        "the play command during the outage");
    assertThat(hostWs.isClosed()).isFalse();
    assertThat(adaWs.isClosed()).isFalse();
    // a new connection cannot be checked now: 1013 (try again later), and the client retries
    WsClient late = open(WsClient.connect(server.httpPort(), host.sessionId(), ada.token()));
    assertThat(late.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1013);

    // on purpose: the outage lasts its planned length
    Instance.sleep(Math.max(0, endsAt + 1_000 - System.currentTimeMillis()));
    pg.start();

    // the first requests after it is back already succeed: no connection that died with the
    // old server is handed out again
    for (int i = 0; i < 20; i++) {
      Reply back = api.get("sessions/" + host.sessionId(), host.token());
      assertThat(back.status()).as("request %d after the restart: %s", i, back).isEqualTo(200);
    }
    Snapshot after = Story.snapshot(api, host);
    assertThat(after.sessionAtRest()).isEqualTo(before.sessionAtRest());
    assertThat(after.playlist()).isEqualTo(before.playlist());
    assertThat(after.requests()).isEqualTo(before.requests());
    // the stored schedule went on: the first track ended, the second plays from its start
    JsonNode state = after.playback();
    long now = System.currentTimeMillis();
    assertThat(state.path("item_id").asText()).isEqualTo(nextItem);
    assertThat(Story.expectedPosition(state, now))
        .isEqualTo(Story.expectedPosition(playing, now) - duration);
    // and the listeners were told, by the advance that waited for the database
    adaWs.awaitMessage(
        m ->
            "playback_state".equals(m.path("type").asText())
                && nextItem.equals(m.path("item_id").asText()),
        Duration.ofSeconds(10),
        "the next track's state");
    // writes work again, and the listeners hear of them over the connections they kept
    hostWs.send(Map.of("type", "playback_command", "action", "seek", "position_ms", 42_000));
    adaWs.awaitMessage(
        m ->
            "playback_state".equals(m.path("type").asText())
                && m.path("position_ms").asLong() == 42_000,
        Duration.ofSeconds(10),
        "the seek after the outage");
    Scenario.join(api, host, "Bo");
    assertThat(Instance.get(server.adminUri("/healthcheck")).statusCode()).isEqualTo(200);

    // a quick restart with nobody asking meanwhile: the pool holds connections to the old server
    // (a burst of parallel requests opened them), and none of them is handed out afterwards
    burst(api, host, 16);
    pg.stop();
    pg.start();
    for (int i = 0; i < 20; i++) {
      Reply reply = api.get("sessions/" + host.sessionId(), host.token());
      assertThat(reply.status())
          .as("request %d after the quick restart: %s", i, reply)
          .isEqualTo(200);
    }
    assertThat(server.log()).doesNotContain("unexpected failure");
  }

  private static void burst(Api api, Host host, int parallel) {
    ExecutorService threads = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < parallel * 4; i++) {
        statuses.add(
            threads.submit(() -> api.get("sessions/" + host.sessionId(), host.token()).status()));
      }
      for (Future<Integer> status : statuses) {
        assertThat(status.get()).isEqualTo(200);
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      threads.shutdownNow();
    }
  }

  private void assertUnavailable(Supplier<Reply> call) {
    Reply reply = call.get();
    assertThat(reply.status())
        .as("%s; the log says:%n%s", reply, server.logTail(60))
        .isEqualTo(503);
    ApiAssertions.assertError(reply, 503, "unavailable");
    assertThat(reply.header("Retry-After")).as("Retry-After of %s", reply).isNotBlank();
  }
}
