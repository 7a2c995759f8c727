package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.Scenario.changed;
import static org.samesong.testing.Scenario.member;
import static org.samesong.testing.Scenario.says;
import static org.samesong.testing.Scenario.saysLeft;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Api;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.Reply;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * {@code /ws/sessions/{id}} end to end: the real application, real WebSocket clients, and the REST
 * API to set up and to check that nothing changed when it must not. Run on H2 by {@link
 * SyncEndpointIT} and on PostgreSQL by {@link SyncEndpointPostgresIT}.
 *
 * <p>The server's clock is the test's {@link org.samesong.testing.MutableClock}: positions and
 * {@code server_time} are exact. Every test has its own session. After each test, every message any
 * client received is checked for {@code seq} and {@code server_time}, and the broadcasts of each
 * connection for strictly increasing {@code seq}.
 *
 * <p>"X does not receive M" is checked with a barrier: broadcasts reach every connection of a
 * session in the order of their {@code seq}, so once a client has a broadcast numbered after M's,
 * it would have had M before it.
 */
abstract class SyncEndpointContract {
  private static final Set<String> BROADCASTS =
      Set.of(
          "playback_state", "playlist_update", "request_update", "member_update", "session_ended");
  private static final String ISO_MS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  private final List<WsClient> clients = new ArrayList<>();
  private String adminToken;

  abstract TestServer app();

  Api api() {
    return Api.of(app());
  }

  /** A new minute: every rate-limit budget (joins per IP, logins) is full again. */
  @BeforeEach
  void newMinute() {
    app().clock().advance(Duration.ofMinutes(1));
    adminToken = api().adminToken();
  }

  @AfterEach
  void everyMessageCarriesSeqAndServerTimeAndBroadcastsAreInOrder() {
    try {
      for (WsClient client : clients) {
        long lastBroadcast = -1;
        for (JsonNode m : client.received()) {
          assertThat(m.path("type").isTextual()).as("type of %s", m).isTrue();
          assertThat(m.path("seq").isIntegralNumber() && m.path("seq").asLong() >= 0)
              .as("seq of %s", m)
              .isTrue();
          assertThat(m.path("server_time").isIntegralNumber() && m.path("server_time").asLong() > 0)
              .as("server_time of %s", m)
              .isTrue();
          if (BROADCASTS.contains(m.path("type").asText())) {
            assertThat(m.path("seq").asLong())
                .as("%s: broadcast seq after %d in %s", client, lastBroadcast, m)
                .isGreaterThan(lastBroadcast);
            lastBroadcast = m.path("seq").asLong();
          }
        }
      }
    } finally {
      clients.forEach(WsClient::close);
      clients.clear();
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private Host newSession() {
    return Scenario.createSession(api(), adminToken);
  }

  private Guest join(Host host, String name) {
    return Scenario.join(api(), host, name);
  }

  private WsClient connect(String sessionId, String token) {
    WsClient client = WsClient.connect(app().getLocalPort(), sessionId, token);
    clients.add(client);
    return client;
  }

  private WsClient connect(Host host) {
    return connectOk(host.sessionId(), host.token());
  }

  private WsClient connect(Host host, Guest guest) {
    return connectOk(host.sessionId(), guest.token());
  }

  private WsClient connectOk(String sessionId, String token) {
    WsClient client = connect(sessionId, token);
    client.awaitType("hello");
    return client;
  }

  private List<JsonNode> tracks() {
    return Scenario.tracks(api(), adminToken);
  }

  private static long seq(JsonNode m) {
    return m.path("seq").asLong();
  }

  /**
   * Makes the session broadcast (the host pauses over REST) and waits until each client has a
   * broadcast numbered after {@code afterSeq}: whatever was broadcast up to it has arrived.
   */
  private void barrier(Host host, long afterSeq, WsClient... listeners) {
    Scenario.playback(api(), host, "pause", null);
    for (WsClient c : listeners) {
      c.awaitMessage(
          m -> BROADCASTS.contains(m.path("type").asText()) && seq(m) > afterSeq,
          WsClient.TIMEOUT,
          "a broadcast after seq " + afterSeq);
    }
  }

  private static String iso(long epochMs) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(epochMs));
  }

  private static Map<String, Object> msg(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  // --- hello ----------------------------------------------------------------------------------

  @Test
  void hello_gives_the_host_who_it_is_the_state_the_members_the_settings_and_pending_requests() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    JsonNode item = Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    Guest guest = join(host, "Gwen");
    JsonNode request = Scenario.request(api(), host, guest, tracks.get(1).path("id").asText());

    WsClient ws = connect(host.sessionId(), host.token());
    JsonNode hello = ws.awaitType("hello");

    assertThat(ApiAssertions.fieldNames(hello))
        .containsExactlyInAnyOrder(
            "type",
            "seq",
            "server_time",
            "member_id",
            "role",
            "permissions",
            "playback_state",
            "playlist",
            "members",
            "member_count",
            "pending_requests",
            "knocks",
            "settings");
    assertThat(hello.path("server_time").asLong()).isEqualTo(app().clock().millis());
    assertThat(hello.path("member_id").asText()).isEqualTo(host.memberId());
    assertThat(hello.path("role").asText()).isEqualTo("host");
    JsonNode playback = hello.path("playback_state");
    assertThat(ApiAssertions.fieldNames(playback))
        .contains("track_id", "item_id", "position_ms", "state", "updated_at");
    assertThat(playback.path("state").asText()).isEqualTo("paused");
    assertThat(playback.path("updated_at").asText()).matches(ISO_MS);
    assertThat(hello.at("/playlist/version").asLong()).isEqualTo(1);
    assertThat(hello.at("/playlist/items/0/item_id").asText())
        .isEqualTo(item.path("item_id").asText());
    assertThat(hello.at("/playlist/items/0/track/id").asText())
        .isEqualTo(tracks.get(0).path("id").asText());
    assertThat(hello.path("members")).hasSize(2);
    assertThat(hello.path("member_count").asInt()).isEqualTo(2);
    JsonNode me = member(hello.path("members"), host.memberId());
    assertThat(me.path("role").asText()).isEqualTo("host");
    assertThat(me.path("connected").asBoolean()).isTrue();
    JsonNode gwen = member(hello.path("members"), guest.memberId());
    assertThat(gwen.path("display_name").asText()).isEqualTo("Gwen");
    assertThat(gwen.path("role").asText()).isEqualTo("guest");
    assertThat(gwen.path("connected").asBoolean()).isFalse();
    assertThat(ApiAssertions.fieldNames(gwen))
        .containsExactlyInAnyOrder(
            "member_id", "display_name", "role", "connected", "listener_state", "drift_ms");
    assertThat(gwen.path("listener_state").asText()).isEqualTo("offline");
    assertThat(hello.path("pending_requests")).hasSize(1);
    assertThat(hello.at("/pending_requests/0/request_id").asText())
        .isEqualTo(request.path("request_id").asText());
    assertThat(hello.at("/pending_requests/0/status").asText()).isEqualTo("pending");
    assertThat(hello.path("settings").path("dead_band_ms").asInt()).isEqualTo(2);
    assertThat(hello.path("settings").path("seek_threshold_ms").asInt()).isEqualTo(150);
    assertThat(hello.path("settings").path("max_rate_correction").asDouble()).isEqualTo(0.02);
    assertThat(hello.path("settings").path("resync_interval_ms").asInt()).isEqualTo(10_000);
  }

  @Test
  void a_guests_hello_has_no_pending_requests() {
    Host host = newSession();
    Guest guest = join(host, "Gus");
    Guest other = join(host, "Olga");
    Scenario.request(api(), host, other, tracks().get(0).path("id").asText());

    JsonNode hello = connect(host.sessionId(), guest.token()).awaitType("hello");

    assertThat(ApiAssertions.fieldNames(hello))
        .containsExactlyInAnyOrder(
            "type",
            "seq",
            "server_time",
            "member_id",
            "role",
            "permissions",
            "playback_state",
            "playlist",
            "members",
            "member_count",
            "settings");
    assertThat(hello.path("member_id").asText()).isEqualTo(guest.memberId());
    assertThat(hello.path("role").asText()).isEqualTo("guest");
    assertThat(member(hello.path("members"), guest.memberId()).path("connected").asBoolean())
        .isTrue();
    assertThat(hello.path("settings").size()).isEqualTo(4);
  }

  @Test
  void connecting_tells_the_others_that_the_member_is_connected() {
    Host host = newSession();
    Guest guest = join(host, "Cora");
    WsClient hostWs = connect(host);

    connect(host, guest);

    hostWs.awaitType("member_update", m -> says(m, guest.memberId(), true), "with Cora connected");
    assertThat(
            member(Scenario.session(api(), host).path("members"), guest.memberId())
                .path("connected")
                .asBoolean())
        .isTrue();
  }

  @Test
  void a_change_of_the_players_settings_reaches_the_connected_players_at_once() {
    Host host = newSession();
    Guest guest = join(host, "Sam");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);
    JsonNode before = api().get("admin/settings", adminToken).json();
    try {
      assertThat(
              api()
                  .patch(
                      "admin/settings",
                      Map.of("dead_band_ms", 7, "max_rate_correction", 0.03),
                      adminToken)
                  .status())
          .isEqualTo(200);

      for (WsClient ws : List.of(hostWs, guestWs)) {
        JsonNode update = ws.awaitType("settings_update");
        assertThat(update.path("settings").path("dead_band_ms").asInt()).isEqualTo(7);
        assertThat(update.path("settings").path("max_rate_correction").asDouble()).isEqualTo(0.03);
        assertThat(update.path("settings").path("seek_threshold_ms").asInt())
            .isEqualTo(before.path("seek_threshold_ms").asInt());
        assertThat(update.path("settings").size()).isEqualTo(4);
      }
      // and a new connection's hello has them
      WsClient late = connect(host, join(host, "Tia"));
      assertThat(late.received("hello").get(0).path("settings").path("dead_band_ms").asInt())
          .isEqualTo(7);

      // a change of the other settings tells the players nothing: the next message about settings
      // is the one of the next change of theirs (changes are announced in order)
      int guests = before.path("max_guests_per_session").asInt();
      api().patch("admin/settings", Map.of("max_guests_per_session", guests + 1), adminToken);
      api().patch("admin/settings", Map.of("dead_band_ms", 8), adminToken);
      guestWs.awaitType(
          "settings_update", m -> m.at("/settings/dead_band_ms").asInt() == 8, "dead band 8");
      assertThat(guestWs.received("settings_update")).hasSize(2);
    } finally {
      api()
          .patch(
              "admin/settings",
              Map.of(
                  "dead_band_ms", before.path("dead_band_ms").asInt(),
                  "max_rate_correction", before.path("max_rate_correction").asDouble(),
                  "max_guests_per_session", before.path("max_guests_per_session").asInt()),
              adminToken);
    }
  }

  // --- close codes ------------------------------------------------------------------------------

  @Test
  void no_token_closes_4401() {
    Host host = newSession();

    connect(host.sessionId(), null).assertClosedWith(4401);
    connect(host.sessionId(), "").assertClosedWith(4401);
  }

  @Test
  void a_garbage_token_closes_4401() {
    Host host = newSession();

    connect(host.sessionId(), "garbage").assertClosedWith(4401);
    connect(host.sessionId(), host.token() + "x").assertClosedWith(4401);
  }

  @Test
  void an_expired_token_closes_4401() {
    Host host = newSession();
    Guest guest = join(host, "Eve");
    int ttl = api().get("admin/settings", adminToken).json().path("access_token_ttl_s").asInt();

    app().clock().advance(Duration.ofSeconds(ttl + 1));

    connect(host.sessionId(), guest.token()).assertClosedWith(4401);
    connect(host.sessionId(), host.token()).assertClosedWith(4401);
  }

  @Test
  void a_refresh_token_is_not_an_access_token_4401() {
    Host host = newSession();
    Guest guest = join(host, "Rita");

    connect(host.sessionId(), guest.refreshToken()).assertClosedWith(4401);
    connect(host.sessionId(), host.refreshToken()).assertClosedWith(4401);
  }

  @Test
  void an_unknown_session_closes_4404() {
    Host host = newSession();

    connect(UUID.randomUUID().toString(), host.token()).assertClosedWith(4404);
    connect("not-a-session", host.token()).assertClosedWith(4404);
  }

  @Test
  void a_token_of_another_session_closes_4403() {
    Host mine = newSession();
    Host theirs = newSession();
    Guest guest = join(theirs, "Nomad");

    connect(mine.sessionId(), guest.token()).assertClosedWith(4403);
    connect(mine.sessionId(), theirs.token()).assertClosedWith(4403);
    // an account's login token belongs to no session
    connect(mine.sessionId(), adminToken).assertClosedWith(4403);
  }

  @Test
  void a_kicked_guest_is_closed_4403_and_cannot_reconnect() {
    Host host = newSession();
    Guest guest = join(host, "Kim");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    Reply kick =
        api().delete("sessions/" + host.sessionId() + "/members/" + guest.memberId(), host.token());

    assertThat(kick.status()).as("kick: %s", kick).isEqualTo(204);
    guestWs.assertClosedWith(4403);
    hostWs.awaitType("member_update", m -> saysLeft(m, guest.memberId()), "without Kim");
    connect(host.sessionId(), guest.token()).assertClosedWith(4403);
  }

  @Test
  void an_ended_session_sends_session_ended_then_closes_4410_and_refuses_new_connections_4410() {
    Host host = newSession();
    Guest guest = join(host, "Enid");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    Reply end = api().delete("sessions/" + host.sessionId(), host.token());

    assertThat(end.status()).as("end: %s", end).isEqualTo(204);
    for (WsClient ws : List.of(hostWs, guestWs)) {
      JsonNode ended = ws.awaitType("session_ended");
      assertThat(ended.path("server_time").asLong()).isEqualTo(app().clock().millis());
      ws.assertClosedWith(4410);
      assertThat(ws.received().get(ws.received().size() - 1).path("type").asText())
          .as("session_ended is the last message")
          .isEqualTo("session_ended");
    }
    connect(host.sessionId(), guest.token()).assertClosedWith(4410);
    connect(host.sessionId(), host.token()).assertClosedWith(4410);
  }

  @Test
  void close_codes_are_checked_in_the_specified_order() {
    Host live = newSession();
    Host ended = newSession();
    Guest endedGuest = join(ended, "Ona");
    Guest kicked = join(ended, "Kit");
    assertThat(
            api()
                .delete(
                    "sessions/" + ended.sessionId() + "/members/" + kicked.memberId(),
                    ended.token())
                .status())
        .isEqualTo(204);
    assertThat(api().delete("sessions/" + ended.sessionId(), ended.token()).status())
        .isEqualTo(204);
    String unknown = UUID.randomUUID().toString();

    // 4401 before 4404: a bad token on an unknown session
    connect(unknown, "garbage").assertClosedWith(4401);
    // 4404 before 4403: another session's token on an unknown session
    connect(unknown, live.token()).assertClosedWith(4404);
    // 4403 before 4410: another session's token, or a kicked member's, on an ended session
    connect(ended.sessionId(), live.token()).assertClosedWith(4403);
    connect(ended.sessionId(), kicked.token()).assertClosedWith(4403);
    // 4410 for its own members
    connect(ended.sessionId(), endedGuest.token()).assertClosedWith(4410);
  }

  @Test
  void a_flooding_client_is_closed_4429_and_the_others_stay() {
    Host host = newSession();
    Guest guest = join(host, "Flo");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    int sent = 0;
    try {
      for (; sent < 500 && !guestWs.isClosed(); sent++) {
        guestWs.sendText("{\"type\":\"ping\",\"client_time\":" + sent + "}");
      }
    } catch (IllegalStateException e) {
      // the server closed the connection while we were still sending
    }

    guestWs.assertClosedWith(4429);
    assertThat(guestWs.received("pong").size())
        .as("pongs before the close (sent %d)", sent)
        .isLessThan(500);
    assertThat(hostWs.ping(42).path("client_time").asDouble()).isEqualTo(42);
    assertThat(hostWs.isClosed()).isFalse();
  }

  // --- ping / pong ------------------------------------------------------------------------------

  @Test
  void ping_is_answered_with_pong_echoing_client_time_and_carrying_the_current_seq() {
    Host host = newSession();
    WsClient ws = connect(host);
    Scenario.playback(api(), host, "pause", null);
    JsonNode paused = ws.awaitType("playback_state");
    long seenBefore =
        ws.received().stream()
            .filter(m -> BROADCASTS.contains(m.path("type").asText()))
            .mapToLong(SyncEndpointContract::seq)
            .max()
            .orElseThrow();

    JsonNode pong = ws.ping(1234.5);

    assertThat(ApiAssertions.fieldNames(pong))
        .containsExactlyInAnyOrder("type", "seq", "server_time", "client_time");
    assertThat(pong.path("client_time").asDouble()).isEqualTo(1234.5);
    assertThat(pong.path("server_time").asLong()).isEqualTo(app().clock().millis());
    assertThat(seq(pong)).isGreaterThanOrEqualTo(seenBefore).isGreaterThanOrEqualTo(seq(paused));
    // "current": the number of a broadcast this connection has had (or has queued right behind)
    barrier(host, seq(pong), ws);
    assertThat(
            ws.received().stream()
                .filter(m -> BROADCASTS.contains(m.path("type").asText()))
                .map(SyncEndpointContract::seq))
        .contains(seq(pong));
  }

  // --- sync_ack / drift -------------------------------------------------------------------------

  @Test
  void sync_ack_reports_drift_to_the_host_throttled_and_not_to_guests() {
    Host host = newSession();
    Guest guest = join(host, "Drew");
    Guest other = join(host, "Otto");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);
    WsClient otherWs = connect(host, other);
    // Presence updates go to everyone (coalesced, at most one per 250 ms): let the connects'
    // updates pass first.
    hostWs.awaitType(
        "member_update",
        m -> member(m.path("members"), other.memberId()) != null,
        "with Otto connected");

    guestWs.send(msg("type", "sync_ack", "track_id", "t", "position_ms", 1000.0, "drift_ms", 12.5));
    JsonNode drift =
        hostWs.awaitType(
            "member_update",
            m -> changed(m, guest.memberId()).path("drift_ms").asDouble() == 12.5,
            "with Drew's drift 12.5");

    // within the second: no new update to the host
    guestWs.send(msg("type", "sync_ack", "track_id", "t", "position_ms", 1100.0, "drift_ms", 7.25));
    guestWs.roundTrip();
    barrier(host, seq(drift), hostWs, guestWs, otherWs);
    assertThat(hostWs.received("member_update"))
        .noneMatch(m -> changed(m, guest.memberId()).path("drift_ms").asDouble() == 7.25);
    // the guests never get drift updates
    for (WsClient g : List.of(guestWs, otherWs)) {
      assertThat(g.received())
          .noneMatch(m -> BROADCASTS.contains(m.path("type").asText()) && seq(m) == seq(drift));
    }

    // a second later, the latest drift reaches the host
    app().clock().advance(Duration.ofMillis(1000));
    guestWs.send(msg("type", "sync_ack", "track_id", "t", "position_ms", 1200.0, "drift_ms", -3.0));
    JsonNode later =
        hostWs.awaitType(
            "member_update",
            m -> changed(m, guest.memberId()).path("drift_ms").asDouble() == -3.0,
            "with Drew's drift -3");
    assertThat(seq(later)).isGreaterThan(seq(drift));
  }

  @Test
  void sync_ack_without_a_numeric_drift_is_an_error_and_the_connection_stays() {
    Host host = newSession();
    WsClient ws = connect(host);

    ws.send(msg("type", "sync_ack", "track_id", "t", "position_ms", 1.0));

    assertThat(ws.awaitType("error").path("code").asText()).startsWith("invalid");
    assertThat(ws.ping(1).path("type").asText()).isEqualTo("pong");
  }

  // --- bad input --------------------------------------------------------------------------------

  @Test
  void malformed_unknown_and_ill_typed_messages_get_an_error_and_the_connection_stays_open() {
    Host host = newSession();
    WsClient ws = connect(host);

    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"type\":\"ping\",", "malformed");
    cases.put("not json", "malformed");
    cases.put("null", "malformed");
    cases.put("{\"client_time\":1}", "malformed");
    cases.put("{\"type\":\"dance\"}", "unknown_type");
    cases.put("{\"type\":\"ping\",\"client_time\":\"soon\"}", "invalid");
    cases.put(
        "{\"type\":\"playback_command\",\"action\":\"seek\",\"position_ms\":\"far\"}", "invalid");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ws.sendText(c.getKey());
      JsonNode error = ws.awaitType("error");
      assertThat(error.path("code").asText())
          .as("error code for %s", c.getKey())
          .isEqualTo(c.getValue());
      assertThat(error.path("message").asText()).as("message for %s", c.getKey()).isNotBlank();
      assertThat(error.path("server_time").asLong()).isEqualTo(app().clock().millis());
    }

    // JSON that is not an object: some error (its code is not specified)
    for (String notAnObject : List.of("[1,2,3]", "42", "\"ping\"")) {
      ws.sendText(notAnObject);
      assertThat(ws.awaitType("error").path("message").asText())
          .as("message for %s", notAnObject)
          .isNotBlank();
    }

    assertThat(ws.ping(7).path("client_time").asDouble()).isEqualTo(7);
    assertThat(ws.isClosed()).isFalse();
  }

  @Test
  void an_invalid_host_command_gets_an_error_echoing_the_ref() {
    Host host = newSession();
    WsClient ws = connect(host);

    ws.send(msg("type", "playback_command", "action", "dance", "ref", "c-1"));
    JsonNode bad = ws.awaitType("error");
    ws.send(
        msg("type", "approve_request", "request_id", UUID.randomUUID().toString(), "ref", "c-2"));
    JsonNode unknown = ws.awaitType("error");

    assertThat(bad.path("code").asText()).isEqualTo("invalid_action");
    assertThat(bad.path("ref").asText()).isEqualTo("c-1");
    assertThat(unknown.path("code").asText()).isEqualTo("not_found");
    assertThat(unknown.path("ref").asText()).isEqualTo("c-2");
  }

  // --- roles ------------------------------------------------------------------------------------

  @Test
  void a_guest_sending_host_messages_gets_forbidden_and_nothing_changes() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    Guest guest = join(host, "Mallory");
    JsonNode request = Scenario.request(api(), host, guest, tracks.get(1).path("id").asText());
    String requestId = request.path("request_id").asText();
    JsonNode before = Scenario.session(api(), host).path("playback_state");
    WsClient ws = connect(host, guest);

    List<Map<String, Object>> hostMessages =
        List.of(
            msg("type", "playback_command", "action", "play", "ref", "p"),
            msg("type", "playback_command", "action", "seek", "position_ms", 5000, "ref", "s"),
            msg("type", "approve_request", "request_id", requestId, "ref", "a"),
            msg("type", "deny_request", "request_id", requestId, "reason", "no", "ref", "d"));
    for (Map<String, Object> m : hostMessages) {
      ws.send(m);
      JsonNode error = ws.awaitType("error");
      assertThat(error.path("code").asText()).as("error for %s", m).isEqualTo("forbidden");
      assertThat(error.path("ref").asText()).as("ref for %s", m).isEqualTo(m.get("ref"));
    }

    assertThat(Scenario.session(api(), host).path("playback_state")).isEqualTo(before);
    assertThat(Scenario.requests(api(), host, "pending"))
        .extracting(r -> r.path("request_id").asText())
        .containsExactly(requestId);
    assertThat(ws.received("playback_state"))
        .allMatch(s -> s.path("state").asText().equals("paused"));
    assertThat(ws.received("request_update")).isEmpty();
  }

  // --- requests ---------------------------------------------------------------------------------

  @Test
  void a_guests_request_reaches_the_host_and_its_author_and_approval_reaches_everyone() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    String wanted = tracks.get(1).path("id").asText();
    Guest author = join(host, "Ann");
    Guest other = join(host, "Bea");
    WsClient hostWs = connect(host);
    WsClient authorWs = connect(host, author);
    WsClient otherWs = connect(host, other);

    authorWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "track_id",
            wanted,
            "note",
            "this one",
            "ref",
            "r-1"));

    JsonNode created = hostWs.awaitType("request_update");
    JsonNode mine = authorWs.awaitType("request_update");
    assertThat(created.path("status").asText()).isEqualTo("pending");
    assertThat(created.path("requested_by").asText()).isEqualTo(author.memberId());
    assertThat(created.path("payload").path("track_id").asText()).isEqualTo(wanted);
    assertThat(created.has("reason")).isFalse();
    assertThat(mine.path("request_id").asText()).isEqualTo(created.path("request_id").asText());
    assertThat(seq(mine)).isEqualTo(seq(created));
    barrier(host, seq(created), otherWs);
    assertThat(otherWs.received("request_update"))
        .as("Bea does not see Ann's pending request")
        .isEmpty();
    String requestId = created.path("request_id").asText();

    hostWs.send(msg("type", "approve_request", "request_id", requestId));

    for (WsClient ws : List.of(hostWs, authorWs, otherWs)) {
      JsonNode decided =
          ws.awaitType(
              "request_update", m -> m.path("status").asText().equals("approved"), "approved");
      assertThat(decided.path("request_id").asText()).isEqualTo(requestId);
      assertThat(decided.path("requested_by").asText()).isEqualTo(author.memberId());
      JsonNode update =
          ws.awaitType("playlist_update", m -> m.path("version").asLong() == 2, "version 2");
      assertThat(update.at("/change/op").asText()).isEqualTo("add");
      assertThat(update.has("items")).as("only the change, not the list").isFalse();
      assertThat(update.at("/change/position").asInt()).isEqualTo(1);
      assertThat(update.at("/change/track/id").asText()).isEqualTo(wanted);
      assertThat(update.at("/change/added_by").asText()).isEqualTo(author.memberId());
    }
    assertThat(Scenario.requests(api(), host, "approved"))
        .extracting(r -> r.path("request_id").asText())
        .containsExactly(requestId);
    assertThat(
            api()
                .get("sessions/" + host.sessionId() + "/playlist", host.token())
                .json()
                .path("version")
                .asLong())
        .isEqualTo(2);
  }

  @Test
  void a_denial_with_its_reason_reaches_the_author() {
    Host host = newSession();
    Guest author = join(host, "Dora");
    WsClient hostWs = connect(host);
    WsClient authorWs = connect(host, author);
    authorWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "track_id",
            tracks().get(0).path("id").asText()));
    String requestId = hostWs.awaitType("request_update").path("request_id").asText();

    hostWs.send(msg("type", "deny_request", "request_id", requestId, "reason", "not tonight"));

    JsonNode denied =
        authorWs.awaitType(
            "request_update", m -> m.path("status").asText().equals("denied"), "denied");
    assertThat(denied.path("request_id").asText()).isEqualTo(requestId);
    assertThat(denied.path("reason").asText()).isEqualTo("not tonight");
    assertThat(
            hostWs
                .awaitType(
                    "request_update", m -> m.path("status").asText().equals("denied"), "denied")
                .path("reason")
                .asText())
        .isEqualTo("not tonight");
    assertThat(Scenario.requests(api(), host, "denied"))
        .extracting(r -> r.path("reason").asText())
        .containsExactly("not tonight");
  }

  @Test
  void the_host_cannot_send_request_playlist_change_and_a_guests_bad_request_is_an_error() {
    Host host = newSession();
    Guest guest = join(host, "Ivy");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    hostWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "track_id",
            tracks().get(0).path("id").asText(),
            "ref",
            "h"));
    guestWs.send(msg("type", "request_playlist_change", "action", "add", "ref", "g"));

    assertThat(hostWs.awaitType("error").path("code").asText()).isEqualTo("forbidden");
    JsonNode bad = guestWs.awaitType("error");
    assertThat(bad.path("code").asText()).isEqualTo("invalid_track_id");
    assertThat(bad.path("ref").asText()).isEqualTo("g");
    assertThat(Scenario.requests(api(), host, "pending")).isEmpty();
  }

  @Test
  void a_guest_suggests_a_url_which_the_request_keeps_for_the_hosts_approval() {
    Host host = newSession();
    Guest guest = join(host, "Uma");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    guestWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "url",
            "ftp://example.org/a.mp3",
            "ref",
            "f"));
    JsonNode bad = guestWs.awaitType("error");
    assertThat(bad.path("code").asText()).isEqualTo("invalid_url");
    assertThat(bad.path("ref").asText()).isEqualTo("f");

    guestWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "url",
            "HTTPS://Music.Example.org/Song.mp3#x",
            "position",
            0));

    JsonNode created = hostWs.awaitType("request_update");
    assertThat(created.path("status").asText()).isEqualTo("pending");
    assertThat(created.path("payload").path("url").asText())
        .isEqualTo("https://music.example.org/Song.mp3");
    assertThat(created.path("payload").has("track_id")).isFalse();
    assertThat(Scenario.requests(api(), host, "pending")).hasSize(1);
  }

  // --- playback ---------------------------------------------------------------------------------

  @Test
  void playback_commands_reach_everyone_as_playback_state() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    JsonNode first = Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    Scenario.addTrack(api(), host, tracks.get(1).path("id").asText());
    Guest guest = join(host, "Pia");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);
    List<WsClient> everyone = List.of(hostWs, guestWs);

    hostWs.send(msg("type", "playback_command", "action", "play"));
    long playedAt = app().clock().millis();
    for (WsClient ws : everyone) {
      JsonNode s =
          ws.awaitType(
              "playback_state", m -> m.path("state").asText().equals("playing"), "playing");
      assertThat(s.path("item_id").asText()).isEqualTo(first.path("item_id").asText());
      assertThat(s.path("track_id").asText()).isEqualTo(tracks.get(0).path("id").asText());
      assertThat(s.path("position_ms").asLong()).isZero();
      assertThat(s.path("updated_at").asText()).isEqualTo(iso(playedAt));
    }

    app().clock().advance(Duration.ofMillis(2_500));
    hostWs.send(msg("type", "playback_command", "action", "pause"));
    for (WsClient ws : everyone) {
      JsonNode s =
          ws.awaitType(
              "playback_state",
              m -> m.path("state").asText().equals("paused") && m.path("position_ms").asLong() > 0,
              "paused");
      assertThat(s.path("position_ms").asLong()).isEqualTo(2_500);
      assertThat(s.path("updated_at").asText()).isEqualTo(iso(playedAt + 2_500));
    }

    hostWs.send(msg("type", "playback_command", "action", "seek", "position_ms", 30_000));
    for (WsClient ws : everyone) {
      JsonNode s =
          ws.awaitType("playback_state", m -> m.path("position_ms").asLong() == 30_000, "at 30 s");
      assertThat(s.path("state").asText()).isEqualTo("paused");
      assertThat(s.path("item_id").asText()).isEqualTo(first.path("item_id").asText());
    }
    JsonNode rest = Scenario.session(api(), host).path("playback_state");
    assertThat(rest.path("position_ms").asLong()).isEqualTo(30_000);
    assertThat(rest.path("state").asText()).isEqualTo("paused");
  }

  // --- REST changes are broadcast ---------------------------------------------------------------

  @Test
  void rest_changes_are_broadcast_to_the_connected_members() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    Guest guest = join(host, "Rex");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);
    List<WsClient> everyone = List.of(hostWs, guestWs);

    JsonNode item = Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    for (WsClient ws : everyone) {
      JsonNode update = ws.awaitType("playlist_update");
      assertThat(update.path("version").asLong()).isEqualTo(1);
      assertThat(update.at("/change/op").asText()).isEqualTo("add");
      assertThat(update.at("/change/item_id").asText()).isEqualTo(item.path("item_id").asText());
      assertThat(update.at("/change/position").asInt()).isZero();
      assertThat(update.at("/change/track/id").asText())
          .isEqualTo(tracks.get(0).path("id").asText());
      assertThat(update.has("items")).isFalse();
    }

    Scenario.playback(api(), host, "play", null);
    for (WsClient ws : everyone) {
      JsonNode s =
          ws.awaitType(
              "playback_state", m -> m.path("state").asText().equals("playing"), "playing");
      assertThat(s.path("item_id").asText()).isEqualTo(item.path("item_id").asText());
    }

    Guest late = join(host, "Lia");
    for (WsClient ws : everyone) {
      JsonNode update =
          ws.awaitType(
              "member_update", m -> member(m.path("members"), late.memberId()) != null, "with Lia");
      assertThat(member(update.path("members"), late.memberId()).path("connected").asBoolean())
          .isFalse();
      assertThat(member(update.path("members"), late.memberId()).path("display_name").asText())
          .isEqualTo("Lia");
    }

    assertThat(
            api()
                .delete(
                    "sessions/" + host.sessionId() + "/members/" + late.memberId(), host.token())
                .status())
        .isEqualTo(204);
    for (WsClient ws : everyone) {
      JsonNode left =
          ws.awaitType(
              "member_update",
              m -> m.path("left").toString().contains(late.memberId()),
              "Lia in left");
      assertThat(member(left.path("members"), late.memberId())).isNull();
      assertThat(left.path("member_count").asInt()).isEqualTo(2);
    }

    assertThat(
            api()
                .delete(
                    "sessions/" + host.sessionId() + "/playlist/" + item.path("item_id").asText(),
                    host.token())
                .status())
        .isEqualTo(204);
    for (WsClient ws : everyone) {
      JsonNode update =
          ws.awaitType(
              "playlist_update", m -> m.at("/change/op").asText().equals("remove"), "remove");
      assertThat(update.path("version").asLong()).isEqualTo(2);
      assertThat(update.at("/change/from").asInt()).isZero();
      assertThat(update.has("items")).isFalse();
      // the playing item left: playback stops with nothing loaded
      JsonNode idle = ws.awaitType("playback_state", m -> m.path("item_id").isNull(), "idle");
      assertThat(idle.has("track_id")).isTrue();
      assertThat(idle.path("track_id").isNull()).isTrue();
    }
  }

  // --- seq ----------------------------------------------------------------------------------

  @Test
  void seq_grows_strictly_on_every_connection_across_all_kinds_of_broadcast() {
    Host host = newSession();
    List<JsonNode> tracks = tracks();
    Guest guest = join(host, "Sam");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);

    Scenario.addTrack(api(), host, tracks.get(0).path("id").asText());
    Scenario.addTrack(api(), host, tracks.get(1).path("id").asText());
    for (int i = 0; i < 5; i++) {
      hostWs.send(msg("type", "playback_command", "action", i % 2 == 0 ? "play" : "pause"));
    }
    hostWs.roundTrip();
    guestWs.send(
        msg(
            "type",
            "request_playlist_change",
            "action",
            "remove",
            "item_id",
            hostWs.awaitType("playlist_update").at("/change/item_id").asText()));
    String requestId = hostWs.awaitType("request_update").path("request_id").asText();
    hostWs.send(msg("type", "deny_request", "request_id", requestId));
    hostWs.roundTrip();
    Guest late = join(host, "Tia");
    JsonNode last =
        guestWs.awaitType(
            "member_update", m -> member(m.path("members"), late.memberId()) != null, "with Tia");

    barrier(host, seq(last), hostWs, guestWs);
    for (WsClient ws : List.of(hostWs, guestWs)) {
      List<Long> seqs =
          ws.received().stream()
              .filter(m -> BROADCASTS.contains(m.path("type").asText()))
              .map(SyncEndpointContract::seq)
              .toList();
      // the connects (coalesced: one or two member updates), 2 adds, 5 commands, a request and
      // its denial, a join, the barrier (and maybe heartbeats)
      assertThat(seqs)
          .as("%s", ws)
          .hasSizeGreaterThanOrEqualTo(10)
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(ws.received())
          .extracting(m -> m.path("type").asText())
          .contains("member_update", "playlist_update", "playback_state", "request_update");
    }
    // one numbering per session: a broadcast has the same number on every connection
    assertThat(
            hostWs.received().stream()
                .filter(m -> m.path("type").asText().equals("playlist_update"))
                .map(SyncEndpointContract::seq)
                .toList())
        .isEqualTo(
            guestWs.received().stream()
                .filter(m -> m.path("type").asText().equals("playlist_update"))
                .map(SyncEndpointContract::seq)
                .toList());
  }

  // --- size limit -------------------------------------------------------------------------------

  @Test
  void a_message_over_16_kib_closes_1009_without_affecting_another_client() {
    Host host = newSession();
    Guest guest = join(host, "Big");
    WsClient hostWs = connect(host);
    WsClient guestWs = connect(host, guest);
    long connected =
        seq(
            hostWs.awaitType(
                "member_update", m -> says(m, guest.memberId(), true), "with Big connected"));

    // just under the limit is read (and refused for its content)
    guestWs.sendText(
        "{\"type\":\"ping\",\"client_time\":1,\"pad\":\"" + "x".repeat(16 * 1024 - 100) + "\"}");
    assertThat(guestWs.awaitType("pong").path("client_time").asDouble()).isEqualTo(1);

    try {
      guestWs.sendText(
          "{\"type\":\"ping\",\"client_time\":2,\"pad\":\"" + "x".repeat(17 * 1024) + "\"}");
    } catch (IllegalStateException e) {
      // closed while sending
    }

    guestWs.assertClosedWith(1009);
    assertThat(hostWs.ping(3).path("client_time").asDouble()).isEqualTo(3);
    hostWs.awaitType(
        "member_update",
        m -> says(m, guest.memberId(), false) && seq(m) > connected,
        "with Big gone");
    assertThat(hostWs.isClosed()).isFalse();
  }
}
