package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Reply;
import org.samesong.testing.SseClient;

/**
 * The event stream across a cluster (two instances, shared PostgreSQL and Redis, no affinity): an
 * integration token made on A reads the stream on B, a command on A reaches it within a second, and
 * revoking the token on A closes the stream on B.
 */
class SessionEventsClusterIT {
  private static TwoInstances cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TwoInstances.start("samesong-sse-");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void a_stream_on_b_hears_a_command_on_a_and_closes_when_a_revokes_its_token() {
    LiveApp a = cluster.a;
    LiveApp b = cluster.b;
    String admin = a.api().adminToken();
    JsonNode tracks = a.api().get("/catalog/tracks", admin).json().path("items");
    JsonNode created = a.api().post("/sessions", Map.of("name", "sse"), admin).json();
    String sid = created.path("id").asText();
    String host = created.path("host_token").asText();
    assertThat(
            a.api()
                .post(
                    "/sessions/" + sid + "/playlist",
                    Map.of("track_id", tracks.get(0).path("id").asText()),
                    host)
                .status())
        .isEqualTo(201);
    Reply token =
        a.api().post("/sessions/" + sid + "/integration-tokens", Map.of("name", "venue"), host);
    assertThat(token.status()).isEqualTo(201);

    URI onB = URI.create("http://localhost:" + b.port() + "/api/sessions/" + sid + "/events");
    try (SseClient sse = SseClient.open(onB, token.text("token"), null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.next(Duration.ofSeconds(10)).event()).isEqualTo("state");
      long sent = System.nanoTime();
      assertThat(
              a.api()
                  .post("/sessions/" + sid + "/playback", Map.of("action", "play"), host)
                  .status())
          .isEqualTo(200);
      SseClient.Event playing =
          sse.until(e -> e.event().equals("playback_state"), Duration.ofSeconds(1)).get(0);
      assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(1_000);
      assertThat(playing.json().path("state").asText()).isEqualTo("playing");

      assertThat(
              a.api()
                  .delete("/sessions/" + sid + "/integration-tokens/" + token.text("id"), host)
                  .status())
          .isEqualTo(204);
      assertThat(sse.endsWithin(Duration.ofSeconds(10)))
          .as("closed on B by a revocation on A")
          .isTrue();
    }
    assertThat(SseClient.open(onB, token.text("token"), null).status()).isEqualTo(401);
  }
}
