package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.Scenario.member;
import static org.samesong.testing.Scenario.says;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * A listener that stops reading delays nobody: a raw socket upgrades to the WebSocket and then
 * never reads, while the host reorders a long playlist again and again over REST and the stuck
 * client keeps asking for {@code resync} (each answer carries the whole playlist, so its socket
 * buffers fill after a few dozen; a playlist_update alone carries only the change). Another guest
 * must receive every change, and the stuck one is dropped once its send queue is full (the others
 * see it disconnected).
 */
class SlowListenerIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  /** Playlist items: every resync answer carries them all, so each is large (~50 KB). */
  private static final int ITEMS = 100;

  /** A bound on the moves, far above what the send queue and the socket buffers hold. */
  private static final int MAX_MOVES = 3_000;

  private static final Duration DRAIN = Duration.ofSeconds(30);

  @Test
  void a_listener_that_does_not_read_is_dropped_without_delaying_the_others() throws Exception {
    Api api = Api.of(APP);
    String admin = api.adminToken();
    Host host = Scenario.createSession(api, admin);
    List<JsonNode> tracks = Scenario.tracks(api, admin);
    Guest stuck = Scenario.join(api, host, "Stuck");
    Guest reader = Scenario.join(api, host, "Reader");

    RawWsClient raw =
        RawWsClient.open("Stuck", APP.getLocalPort(), host.sessionId(), stuck.token(), 1024);
    try (AutoCloseable stuckSocket = raw::close;
        WsClient readerWs =
            WsClient.connectOk(APP.getLocalPort(), host.sessionId(), reader.token()).client()) {
      // Stuck connected before the reader: its hello says so, or an update a moment later
      JsonNode readerHello = readerWs.received("hello").get(0);
      if (!member(readerHello.path("members"), stuck.memberId()).path("connected").asBoolean()) {
        readerWs.awaitType(
            "member_update", m -> says(m, stuck.memberId(), true), "with Stuck connected");
      }
      List<String> items = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        items.add(
            Scenario.addTrack(api, host, tracks.get(i % tracks.size()).path("id").asText())
                .path("item_id")
                .asText());
      }

      long started = System.nanoTime();
      int moves = 0;
      long nextResync = 0;
      while (moves < MAX_MOVES && (moves % 25 != 0 || connected(api, host, stuck))) {
        if (System.nanoTime() >= nextResync) {
          // paced by time, well within its flood limit (20 a second): a flood would close it 4429
          // instead, with a close frame it never reads
          nextResync = System.nanoTime() + 100_000_000L;
          try {
            raw.sendText("{\"type\":\"resync\"}");
          } catch (IOException closed) {
            // dropped already
          }
        }
        // the first item to the end and back: a full playlist to everyone each time
        Reply moved =
            api.patch(
                "sessions/" + host.sessionId() + "/playlist/" + items.get(0),
                Map.of("position", moves % 2 == 0 ? ITEMS - 1 : 0),
                host.token());
        assertThat(moved.status()).as("move: %s", moved).isEqualTo(200);
        moves++;
      }
      long tookMs = (System.nanoTime() - started) / 1_000_000;

      assertThat(connected(api, host, stuck))
          .as("Stuck is dropped after %d moves (%d ms)", moves, tookMs)
          .isFalse();
      // the reader may have hundreds of large messages to read before these
      readerWs.awaitMessage(
          m -> "member_update".equals(m.path("type").asText()) && says(m, stuck.memberId(), false),
          DRAIN,
          "member_update with Stuck disconnected");
      // the reader got every change, up to the last version
      long version = ITEMS + moves;
      JsonNode last =
          readerWs.awaitMessage(
              m ->
                  "playlist_update".equals(m.path("type").asText())
                      && m.path("version").asLong() == version,
              DRAIN,
              "playlist_update version " + version);
      assertThat(last.has("items")).as("a change, not the list").isFalse();
      assertThat(readerWs.received("playlist_update")).hasSize(ITEMS + moves);
      assertThat(readerWs.isClosed()).isFalse();
    }
  }

  private static boolean connected(Api api, Host host, Guest guest) {
    return member(Scenario.session(api, host).path("members"), guest.memberId())
        .path("connected")
        .asBoolean();
  }
}
