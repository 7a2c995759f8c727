package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * The playlist has a size limit (issue 15, item 9): with {@code max_playlist_items} = 3, every path
 * that adds is refused with 409 {@code playlist_full} once three items are there — the host's add
 * (a track or a URL), a guest's request (REST and WebSocket) and the approval of a request filed
 * while there was room (which stays pending) — and nothing changes; a removal makes room again. Run
 * on H2 by {@link PlaylistLimitIT} and on PostgreSQL by {@link PlaylistLimitPostgresIT}.
 */
abstract class PlaylistLimitContract {
  private static final int MAX = 3;

  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;

  @BeforeEach
  void smallPlaylists() {
    fx = SessionFixtures.of(app());
    fx.settings(Map.of("max_playlist_items", MAX));
    host = fx.newSession();
  }

  @AfterEach
  void relax() {
    fx.relax();
  }

  private Reply hostAdds(Map<String, Object> body) {
    return app().post("sessions/" + host.sessionId() + "/playlist", body, host.token());
  }

  @Test
  void the_hosts_add_beyond_the_limit_is_409_playlist_full_and_changes_nothing() {
    fx.addItems(host, MAX);
    long version = fx.version(host);

    assertThat(
            assertError(hostAdds(Map.of("track_id", fx.track(0).id())), 409, "playlist_full")
                .path("message")
                .asText())
        .contains("remove an item");
    assertError(
        hostAdds(Map.of("track_id", fx.track(1).id(), "position", 0)), 409, "playlist_full");
    assertError(hostAdds(Map.of("url", "https://example.org/song.mp3")), 409, "playlist_full");

    assertThat(fx.itemIds(host)).hasSize(MAX);
    assertThat(fx.version(host)).isEqualTo(version);
    // a removal makes room
    String first = fx.itemIds(host).get(0);
    assertThat(app().delete("sessions/" + host.sessionId() + "/playlist/" + first, host.token()))
        .extracting(Reply::status)
        .isEqualTo(204);
    assertThat(hostAdds(Map.of("track_id", fx.track(0).id())).status()).isEqualTo(201);
  }

  @Test
  void a_guests_request_to_add_to_a_full_playlist_is_409_over_rest() {
    fx.addItems(host, MAX);
    Guest guest = fx.guest(host);

    assertError(
        fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(0).id())),
        409,
        "playlist_full");
    // the guest's playlist POST files a request: refused the same way
    assertError(
        app()
            .post(
                "sessions/" + host.sessionId() + "/playlist",
                Map.of("track_id", fx.track(0).id()),
                guest.token()),
        409,
        "playlist_full");
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
    // moves and removals are still proposed
    String item = fx.itemIds(host).get(0);
    fx.requestMove(guest, item, 2);
  }

  @Test
  void a_guests_request_to_add_to_a_full_playlist_is_refused_over_the_websocket() {
    fx.addItems(host, MAX);
    Guest guest = fx.guest(host);
    try (WsClient ws =
        WsClient.connectOk(app().getLocalPort(), host.sessionId(), guest.token()).client()) {
      ws.send(
          Map.of(
              "type",
              "request_playlist_change",
              "action",
              "add",
              "track_id",
              fx.track(0).id(),
              "ref",
              "add-1"));

      JsonNode error = ws.awaitType("error");
      assertThat(error.path("code").asText()).isEqualTo("playlist_full");
      assertThat(error.path("ref").asText()).isEqualTo("add-1");
    }
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void approving_an_add_filed_while_there_was_room_is_409_and_the_request_stays_pending() {
    fx.addItems(host, MAX - 1);
    Guest guest = fx.guest(host);
    String request = fx.requestAdd(guest, fx.track(1));
    fx.addItem(host, fx.track(0)); // full now

    assertError(fx.approve(request, host.token()), 409, "playlist_full");

    assertThat(fx.itemIds(host)).hasSize(MAX);
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), null)))
        .containsEntry(request, "pending");
    // and over the WebSocket too
    try (WsClient ws =
        WsClient.connectOk(app().getLocalPort(), host.sessionId(), host.token()).client()) {
      ws.send(Map.of("type", "approve_request", "request_id", request, "ref", "ok-1"));
      assertThat(ws.awaitType("error").path("code").asText()).isEqualTo("playlist_full");
    }
    assertThat(fx.itemIds(host)).hasSize(MAX);
  }
}
