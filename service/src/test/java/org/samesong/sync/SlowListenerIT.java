package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.Scenario.member;
import static org.samesong.testing.Scenario.says;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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

    try (Socket raw = upgradeAndNeverRead(host.sessionId(), stuck.token());
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
      OutputStream stuckOut = raw.getOutputStream();
      while (moves < MAX_MOVES && (moves % 25 != 0 || connected(api, host, stuck))) {
        if (moves % 4 == 0) {
          // within its flood limit (20 messages a second)
          try {
            stuckOut.write(maskedText("{\"type\":\"resync\"}"));
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

  /** A client's text frame (clients mask theirs). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** Opens the WebSocket by hand, reads the 101 response, and then never reads again. */
  private static Socket upgradeAndNeverRead(String sessionId, String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(1024);
    socket.connect(new InetSocketAddress("localhost", APP.getLocalPort()), 5_000);
    socket.setSoTimeout(5_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request =
        "GET /ws/sessions/"
            + sessionId
            + "?token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + " HTTP/1.1\r\n"
            + "Host: localhost:"
            + APP.getLocalPort()
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // the response head only, byte by byte, so that nothing after it is consumed
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake: " + head);
      }
      head.write(b);
    }
    assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
    return socket;
  }
}
