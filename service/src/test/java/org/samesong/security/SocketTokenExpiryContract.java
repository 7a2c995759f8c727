package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * An open WebSocket does not outlive its token (issue 15, item 5): with {@code
 * access_token_ttl_s=30}, a connection whose token expired is closed with 4401, whether it talks
 * (checked on each message) or stays quiet (the periodic sweep); {@code reauth} with a fresh token
 * of the same member keeps it open, a token of anyone else is refused; a revoked login (refresh
 * reuse) closes it at once. Time is moved on the server's clock, not slept. Run on H2 by {@link
 * SocketTokenExpiryIT} and on PostgreSQL by {@link SocketTokenExpiryPostgresIT}.
 */
abstract class SocketTokenExpiryContract {
  private static final int TTL_S = 30;

  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void shortTokens() {
    fx = SessionFixtures.of(app());
    fx.settings(Map.of("access_token_ttl_s", TTL_S));
    host = fx.newSession();
    fx.addItem(host, fx.track(0));
  }

  @AfterEach
  void relax() {
    clients.forEach(WsClient::close);
    clients.clear();
    fx.relax();
  }

  private WsClient connect(String token) {
    WsClient client = WsClient.connectOk(app().getLocalPort(), host.sessionId(), token).client();
    clients.add(client);
    return client;
  }

  private String refresh(String refreshToken) {
    Reply reply = app().post("auth/refresh", Map.of("refresh_token", refreshToken), null);
    assertThat(reply.status()).as("refresh: %s", reply).isEqualTo(200);
    return reply.text("access_token");
  }

  private void requestAdd(WsClient ws) {
    ws.send(
        Map.of("type", "request_playlist_change", "action", "add", "track_id", fx.track(1).id()));
  }

  @Test
  void a_socket_that_talks_after_its_token_expired_is_closed_4401() {
    Guest guest = fx.guest(host);
    WsClient ws = connect(guest.token());
    ws.roundTrip();

    app().clock().advance(Duration.ofSeconds(TTL_S + 2));
    // REST says 401 now; the socket must not take what REST refuses
    assertThat(app().get("sessions/" + host.sessionId(), guest.token()).status()).isEqualTo(401);
    // the expiry sweep (once a second) may close it before these go out: either way the server
    // takes nothing from it and the close is 4401
    try {
      requestAdd(ws);
      ws.send(Map.of("type", "ping", "client_time", 1.0));
    } catch (IllegalStateException closedMeanwhile) {
      assertThat(ws.awaitClose().code())
          .as("closed before the send: %s", closedMeanwhile)
          .isEqualTo(4401);
    }

    ws.assertClosedWith(4401);
    assertThat(ws.received("pong"))
        .as("no pong after expiry")
        .noneMatch(p -> p.path("client_time").asDouble() == 1.0);
    // the host's token expired too: read with a fresh one
    String hostToken = refresh(host.created().text("refresh_token"));
    assertThat(fx.requests(host.sessionId(), hostToken, "pending")).isEmpty();
  }

  @Test
  void a_quiet_socket_is_closed_4401_by_the_sweep_when_its_token_expires() {
    Guest guest = fx.guest(host);
    WsClient ws = connect(guest.token());
    ws.roundTrip();

    app().clock().advance(Duration.ofSeconds(TTL_S + 2));

    assertThat(ws.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4401);
  }

  @Test
  void reauth_with_a_fresh_token_of_the_same_member_keeps_the_socket_open() {
    Guest guest = fx.guest(host);
    WsClient ws = connect(guest.token());
    ws.roundTrip();

    app().clock().advance(Duration.ofSeconds(TTL_S - 10));
    String fresh = refresh(guest.joined().text("refresh_token"));
    ws.send(Map.of("type", "reauth", "token", fresh));
    ws.roundTrip();
    app().clock().advance(Duration.ofSeconds(15)); // the first token expired 5 s ago

    assertThat(ws.ping(2.0).path("type").asText()).isEqualTo("pong");
    requestAdd(ws);
    ws.awaitType("request_update");
    assertThat(ws.received("error")).isEmpty();
    assertThat(ws.isClosed()).isFalse();

    // the fresh token expires in its turn
    app().clock().advance(Duration.ofSeconds(TTL_S));
    ws.send(Map.of("type", "ping", "client_time", 3.0));
    ws.assertClosedWith(4401);
  }

  @Test
  void reauth_with_another_members_token_is_refused_and_the_socket_keeps_its_own() {
    Guest guest = fx.guest(host);
    Guest other = fx.guest(host);
    WsClient ws = connect(guest.token());

    ws.send(Map.of("type", "reauth", "token", other.token(), "ref", "r-1"));
    JsonNode error = ws.awaitType("error");
    assertThat(error.path("code").asText()).isEqualTo("invalid_token");
    assertThat(error.path("ref").asText()).isEqualTo("r-1");
    assertThat(error.toString()).doesNotContain(other.token());
    // still this guest, still open
    assertThat(ws.ping(4.0).path("type").asText()).isEqualTo("pong");

    // nor does the host's token (same session, another member) or garbage keep it past expiry
    ws.send(Map.of("type", "reauth", "token", host.token()));
    assertThat(ws.awaitType("error").path("code").asText()).isEqualTo("invalid_token");
    app().clock().advance(Duration.ofSeconds(TTL_S + 2));
    // refused (error) and closed: the sweep may close it before the error is sent
    ws.send(Map.of("type", "reauth", "token", "not-a-token"));
    ws.assertClosedWith(4401);
  }

  @Test
  void reauth_with_a_token_of_another_session_is_refused() {
    Guest guest = fx.guest(host);
    Host elsewhere = fx.newSession();
    Guest stranger = fx.guest(elsewhere);
    WsClient ws = connect(guest.token());

    ws.send(Map.of("type", "reauth", "token", stranger.token()));

    assertThat(ws.awaitType("error").path("code").asText()).isEqualTo("invalid_token");
    app().clock().advance(Duration.ofSeconds(TTL_S + 2));
    ws.send(Map.of("type", "ping", "client_time", 5.0));
    ws.assertClosedWith(4401);
  }

  @Test
  void a_reused_refresh_token_closes_the_socket_at_once() {
    Guest guest = fx.guest(host);
    WsClient ws = connect(guest.token());
    ws.roundTrip();
    String refreshToken = guest.joined().text("refresh_token");
    refresh(refreshToken);

    Reply reuse = app().post("auth/refresh", Map.of("refresh_token", refreshToken), null);

    assertThat(reuse.status()).isEqualTo(401);
    ws.assertClosedWith(4401);
  }
}
