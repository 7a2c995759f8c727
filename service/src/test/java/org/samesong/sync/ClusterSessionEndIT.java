package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Reply;
import org.samesong.testing.Scrape;
import org.samesong.testing.WsClient;

/**
 * Ending a session reaches every connection of a cluster as the protocol says: {@code
 * session_ended} as the last message, then a close with 4410, never an abnormal close (1006). Two
 * real instances share the machine's PostgreSQL and Redis; the host and the guests are connected to
 * both; most guests read late (sockets that read nothing for a while, so a backlog of large
 * broadcasts waits in their send queues when the session ends), and the host ends the session on
 * one of the instances.
 */
class ClusterSessionEndIT {
  private static final int GUESTS_PER_INSTANCE = Integer.getInteger("clusterend.guests", 20);

  /** Playlist items: every playlist_update carries them all (~50 KB). */
  private static final int ITEMS = 100;

  /** Moves of the playlist before the end: a backlog for the listeners that read late. */
  private static final int MOVES = 150;

  private static TwoInstances cluster;
  private static LiveApp a;
  private static LiveApp b;

  @BeforeAll
  static void start() throws Exception {
    cluster = TwoInstances.start("samesong-end-");
    a = cluster.a;
    b = cluster.b;
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void ending_a_session_sends_session_ended_then_4410_to_every_connection_on_both_instances()
      throws Exception {
    String admin = a.api().adminToken();
    assertThat(
            a.api()
                .patch(
                    "/admin/settings",
                    Map.of("joins_per_ip_per_minute", 1_000_000, "max_guests_per_session", 1_000),
                    admin)
                .status())
        .isEqualTo(200);
    JsonNode created = a.api().post("/sessions", Map.of("name", "ending"), admin).json();
    String sessionId = created.path("id").asText();
    String code = created.path("code").asText();
    String hostToken = created.path("host_token").asText();
    JsonNode tracks = a.api().get("/catalog/tracks", admin).json().path("items");
    String firstItem = null;
    for (int i = 0; i < ITEMS; i++) {
      Reply added =
          a.api()
              .post(
                  "/sessions/" + sessionId + "/playlist",
                  Map.of("track_id", tracks.get(i % tracks.size()).path("id").asText()),
                  hostToken);
      assertThat(added.status()).isEqualTo(201);
      if (firstItem == null) {
        firstItem = added.json().path("item_id").asText();
      }
    }

    List<WsClient> readers = new ArrayList<>();
    List<RawWsClient> slow = new ArrayList<>();
    try {
      // the host on both instances, guests on both: some read at once, most read late
      readers.add(WsClient.connectOk(a.port(), sessionId, hostToken).client());
      readers.add(WsClient.connectOk(b.port(), sessionId, hostToken).client());
      for (int i = 0; i < 2 * (GUESTS_PER_INSTANCE + 1); i++) {
        LiveApp on = i % 2 == 0 ? a : b;
        Reply joined =
            on.api().post("/sessions/" + code + "/join", Map.of("display_name", "g" + i), null);
        assertThat(joined.status()).as("join: %s", joined).isEqualTo(200);
        String token = joined.json().path("token").asText();
        if (i < 2) {
          readers.add(WsClient.connectOk(on.port(), sessionId, token).client());
        } else {
          slow.add(
              RawWsClient.open(
                  "slow guest on " + (on == a ? "A" : "B"),
                  on.port(),
                  sessionId,
                  token,
                  64 * 1024));
        }
      }
      int guests = 2 * (GUESTS_PER_INSTANCE + 1);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (guestConnections(a) + guestConnections(b) < guests && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(guestConnections(a) + guestConnections(b))
          .as("guests connected")
          .isEqualTo(guests);

      // a backlog for the late readers: every move sends the whole playlist to everyone
      for (int i = 0; i < MOVES; i++) {
        LiveApp on = i % 2 == 0 ? a : b;
        Reply moved =
            on.api()
                .patch(
                    "/sessions/" + sessionId + "/playlist/" + firstItem,
                    Map.of("position", i % 2 == 0 ? ITEMS - 1 : 0),
                    hostToken);
        assertThat(moved.status()).as("move: %s", moved).isEqualTo(200);
      }

      Reply end = a.api().delete("/sessions/" + sessionId, hostToken);
      assertThat(end.status()).as("end: %s", end).isEqualTo(204);
      slow.forEach(RawWsClient::startReading);

      List<String> wrong = new ArrayList<>();
      for (WsClient ws : readers) {
        WsClient.Close close;
        try {
          close = ws.awaitClose(Duration.ofSeconds(30));
        } catch (AssertionError e) {
          wrong.add(ws + " #" + readers.indexOf(ws) + ": not closed");
          continue;
        }
        List<JsonNode> received = ws.received();
        String last =
            received.isEmpty()
                ? "nothing"
                : received.get(received.size() - 1).path("type").asText();
        if (close.code() != 4410 || !"session_ended".equals(last)) {
          wrong.add(
              "reader #"
                  + readers.indexOf(ws)
                  + " on "
                  + (readers.indexOf(ws) % 2 == 0 ? "A" : "B")
                  + ": closed "
                  + close
                  + " after "
                  + last);
        }
      }
      for (RawWsClient listener : slow) {
        String outcome = listener.outcome(Duration.ofSeconds(30));
        if (!outcome.equals("session_ended, then 4410")) {
          wrong.add(listener + ": " + outcome);
        }
      }
      assertThat(wrong)
          .as("connections without session_ended as their last message and a 4410 close")
          .isEmpty();
      // and the session refuses new connections on both
      WsClient.connect(a.port(), sessionId, hostToken).assertClosedWith(4410);
      WsClient.connect(b.port(), sessionId, hostToken).assertClosedWith(4410);
    } finally {
      readers.forEach(WsClient::close);
      slow.forEach(RawWsClient::close);
    }
  }

  private static double guestConnections(LiveApp app) {
    return Scrape.of(app.adminPort()).value("samesong_connected_listeners", "role", "guest");
  }
}
