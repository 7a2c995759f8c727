package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;
import org.samesong.testing.WsClient;

/**
 * PostgreSQL restarted under a running instance: while it is down, every request that needs it is
 * refused cleanly (503 {@code unavailable} with {@code Retry-After}, never a 500 or a stack trace),
 * the health check names the database, requests that need no database keep working and open
 * WebSocket connections stay open; once it is back, requests succeed again without restarting
 * Samesong, every pooled connection included, and nothing committed before is lost.
 */
@Tag("faults")
class PostgresRestartIT {
  @TempDir static Path root;
  static PrivatePostgres pg;
  static Instance app;
  static final Client CLIENT = Api.newClient(null);
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    pg = PrivatePostgres.create();
    app =
        Instance.create(
                "pg-restart",
                root,
                Map.of("SAMESONG_DB_URL", pg.jdbcUrl(), "SAMESONG_DB_USER", pg.user()))
            .start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.kill();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void requests_get_503_while_the_database_restarts_and_succeed_after() throws Exception {
    Api api = new Api(CLIENT, app::httpPort);
    String admin = api.adminToken();
    Reply created = api.post("sessions", Map.of("name", "through the outage"), admin);
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String sessionId = created.text("id");
    String host = created.text("host_token");
    String trackId =
        api.get("catalog/tracks?limit=1", admin).json().path("items").get(0).path("id").asText();
    assertThat(
            api.post("sessions/" + sessionId + "/playlist", Map.of("track_id", trackId), host)
                .status())
        .isEqualTo(201);
    Reply joined =
        api.post("sessions/" + created.text("code") + "/join", Map.of("display_name", "Ola"), null);
    assertThat(joined.status()).isEqualTo(200);
    String guest = joined.text("token");

    try (WsClient hostWs = WsClient.connectOk(app.httpPort(), sessionId, host).client();
        WsClient guestWs = WsClient.connectOk(app.httpPort(), sessionId, guest).client()) {
      pg.stop();

      // every kind of request that needs the database: a member's read, a host's change, a login,
      // a join; each a clean 503 with the error body and Retry-After
      List<Reply> refused =
          List.of(
              api.get("sessions/" + sessionId, guest),
              api.get("sessions/" + sessionId + "/playlist", guest),
              api.post("sessions/" + sessionId + "/playback", Map.of("action", "play"), host),
              api.post(
                  "auth/login",
                  Map.of(
                      "username", org.samesong.testing.TestServer.ADMIN, "password", "whatever1"),
                  null),
              api.post(
                  "sessions/" + created.text("code") + "/join",
                  Map.of("display_name", "Late"),
                  null));
      for (Reply reply : refused) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(503);
        assertThat(reply.errorCode()).as("%s", reply).isEqualTo("unavailable");
        assertThat(reply.header("Retry-After")).as("%s", reply).isNotBlank();
      }
      // what needs no database keeps working
      assertThat(api.get("time", null).status()).isEqualTo(200);
      HttpResponse<String> health = health();
      assertThat(health.statusCode()).isEqualTo(500);
      assertThat(health.body()).contains("\"database\"").contains("\"healthy\":false");

      // open connections stay open: ping is answered, a command gets an error, not a close
      guestWs.ping(1.0);
      hostWs.send(Map.of("type", "playback_command", "action", "play", "ref", "during"));
      JsonNode error =
          hostWs.awaitType("error", m -> "during".equals(m.path("ref").asText()), "the error");
      assertThat(error.path("code").asText()).isEqualTo("unavailable");
      assertThat(hostWs.isClosed()).isFalse();
      assertThat(guestWs.isClosed()).isFalse();

      pg.start();

      // back without restarting Samesong: the first request may still meet the outage's end, then
      // every one succeeds, enough of them to go through every pooled connection
      awaitStatus(() -> api.get("sessions/" + sessionId, guest), 200, Duration.ofSeconds(30));
      for (int i = 0; i < 40; i++) {
        Reply again = api.get("sessions/" + sessionId + "/playlist", guest);
        assertThat(again.status()).as("request %d after the restart: %s", i, again).isEqualTo(200);
        assertThat(again.json().path("items").get(0).path("track").path("id").asText())
            .isEqualTo(trackId);
      }
      assertThat(health().statusCode()).isEqualTo(200);
      assertThat(
              api.post("sessions/" + sessionId + "/playback", Map.of("action", "play"), host)
                  .status())
          .isEqualTo(200);
      guestWs.awaitType(
          "playback_state", m -> "playing".equals(m.path("state").asText()), "playing");
      assertThat(api.adminToken()).isNotBlank();
    }
    assertThat(app.log()).doesNotContain("unexpected failure").doesNotContain("\tat org.samesong");
  }

  private static HttpResponse<String> health() throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(app.adminUri("/healthcheck"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitStatus(
      java.util.function.Supplier<Reply> call, int status, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Reply last = null;
    while (Instant.now().isBefore(deadline)) {
      last = call.get();
      if (last.status() == status) {
        return;
      }
      Instance.sleep(250);
    }
    throw new AssertionError("still " + last + " after " + timeout);
  }
}
