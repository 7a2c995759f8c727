package org.samesong.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Hosting together (issue 20): co-hosts and single rights, hand-off, quotas and the fair queue,
 * rotating the invite and knocks. Over HTTP and real WebSockets; run on H2 by {@link HostingIT} and
 * on PostgreSQL by {@link HostingPostgresIT}.
 */
abstract class HostingContract {
  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void session() {
    fx = SessionFixtures.of(app());
    host = fx.newSession();
  }

  @AfterEach
  void close() {
    clients.forEach(WsClient::close);
    fx.relax();
    fx.settings(
        Map.of(
            "max_pending_requests_per_guest", 3,
            "max_adds_per_guest_per_hour", 0,
            "host_grace_s", 120,
            "fair_queue", true));
  }

  private WsClient connect(String token) {
    WsClient c = WsClient.connect(app().getLocalPort(), host.sessionId(), token);
    clients.add(c);
    c.awaitType("hello");
    return c;
  }

  private Reply patchMember(String token, String memberId, Map<String, Object> body) {
    return app().patch("sessions/" + host.sessionId() + "/members/" + memberId, body, token);
  }

  private Guest cohost() {
    Guest g = fx.guest(host);
    assertThat(patchMember(host.token(), g.memberId(), Map.of("role", "cohost")).status())
        .isEqualTo(200);
    return g;
  }

  @Test
  void a_cohost_controls_playback_and_decides_requests_but_cannot_demote_the_host_or_a_cohost() {
    fx.addItem(host, fx.track(0));
    Guest co = cohost();
    Guest other = cohost();
    Guest guest = fx.guest(host);

    assertThat(
            fx.command(
                    new Host(host.sessionId(), host.code(), co.token(), co.memberId(), null),
                    "play")
                .status())
        .isEqualTo(200);
    String request = fx.requestAdd(guest, fx.track(1));
    assertThat(fx.approve(request, co.token()).status()).isEqualTo(200);

    Reply onHost = patchMember(co.token(), host.memberId(), Map.of("role", "guest"));
    assertThat(onHost.status()).isEqualTo(403);
    assertThat(onHost.errorCode()).isEqualTo("forbidden");
    Reply onCohost = patchMember(co.token(), other.memberId(), Map.of("role", "guest"));
    assertThat(onCohost.status()).isEqualTo(403);
    Reply kickCohost =
        app().delete("sessions/" + host.sessionId() + "/members/" + other.memberId(), co.token());
    assertThat(kickCohost.status()).isEqualTo(403);
    // nothing changed: both are co-hosts still, the host is the host
    JsonNode members = fx.session(host).path("members");
    for (JsonNode m : members) {
      if (m.path("member_id").asText().equals(other.memberId())) {
        assertThat(m.path("role").asText()).isEqualTo("cohost");
      }
      if (m.path("member_id").asText().equals(host.memberId())) {
        assertThat(m.path("role").asText()).isEqualTo("host");
      }
    }
    // a plain guest has none of it
    assertThat(fx.approve(fx.requestAdd(guest, fx.track(0)), guest.token()).status())
        .isEqualTo(403);
    // but a co-host may give a guest a single right
    Reply given =
        patchMember(
            co.token(), guest.memberId(), Map.of("permissions", Map.of("control_playback", true)));
    assertThat(given.status()).isEqualTo(200);
    assertThat(given.json().path("permissions").path("control_playback").asBoolean()).isTrue();
  }

  @Test
  void a_guest_with_auto_approve_adds_at_once_and_the_log_says_approved_by_auto() {
    Guest guest = fx.guest(host);
    patchMember(
        host.token(), guest.memberId(), Map.of("permissions", Map.of("auto_approve", true)));

    Reply added =
        app()
            .post(
                "sessions/" + host.sessionId() + "/playlist",
                Map.of("track_id", fx.track(0).id()),
                guest.token());

    assertThat(added.status()).as("%s", added).isEqualTo(201);
    assertThat(fx.itemIds(host)).contains(added.text("item_id"));
    JsonNode log = fx.requests(host.sessionId(), host.token(), null);
    assertThat(log.get(0).path("status").asText()).isEqualTo("approved");
    assertThat(log.get(0).path("decided_by").asText()).isEqualTo("auto");
  }

  @Test
  void rights_change_on_a_live_websocket_without_reconnecting() {
    fx.addItem(host, fx.track(0));
    Guest guest = fx.guest(host);
    WsClient socket = connect(guest.token());

    socket.send(Map.of("type", "playback_command", "action", "play", "ref", "r1"));
    JsonNode refused = socket.awaitType("error");
    assertThat(refused.path("code").asText()).isEqualTo("forbidden");

    patchMember(
        host.token(), guest.memberId(), Map.of("permissions", Map.of("control_playback", true)));
    socket.awaitType(
        "member_update",
        m -> m.path("members").path(0).path("permissions").path("control_playback").asBoolean(),
        "the guest told of its new right");
    socket.send(Map.of("type", "playback_command", "action", "play", "ref", "r2"));
    JsonNode state =
        socket.awaitType(
            "playback_state", m -> "playing".equals(m.path("state").asText()), "playing");
    assertThat(state.path("state").asText()).isEqualTo("playing");
  }

  @Test
  void the_host_hands_over_by_hand_and_everyone_hears_session_update() {
    Guest co = cohost();
    Guest guest = fx.guest(host);
    WsClient guestSocket = connect(guest.token());
    WsClient coSocket = connect(co.token());

    Reply handed =
        app()
            .post(
                "sessions/" + host.sessionId() + "/host",
                Map.of("member_id", co.memberId()),
                host.token());

    assertThat(handed.status()).as("%s", handed).isEqualTo(200);
    assertThat(handed.text("host_member_id")).isEqualTo(co.memberId());
    for (WsClient s : List.of(guestSocket, coSocket)) {
      JsonNode update = s.awaitType("session_update");
      assertThat(update.path("host_member_id").asText()).isEqualTo(co.memberId());
    }
    // the new host ends what the old one no longer may
    assertThat(
            app()
                .post(
                    "sessions/" + host.sessionId() + "/host",
                    Map.of("member_id", co.memberId()),
                    host.token())
                .status())
        .isEqualTo(403);
    assertThat(patchMember(co.token(), host.memberId(), Map.of("role", "guest")).status())
        .isEqualTo(200);
  }

  @Test
  void when_the_host_is_gone_host_grace_s_the_connected_cohost_takes_over() {
    fx.settings(Map.of("host_grace_s", 30));
    Guest co = cohost();
    WsClient coSocket = connect(co.token());
    // the host has had no connection since the co-host was made: 20 s of the grace go by at once,
    // before the once-a-second sweep may have looked (on a busy machine it often has not): the
    // grace counts from what happened, not from when a sweep first noticed
    app().clock().advance(Duration.ofSeconds(20));
    sleep(2500);
    assertThat(coSocket.received("session_update")).as("within the grace").isEmpty();

    app().clock().advance(Duration.ofSeconds(20));

    JsonNode update = coSocket.awaitType("session_update", Duration.ofSeconds(10));
    assertThat(update.path("host_member_id").asText()).isEqualTo(co.memberId());
    assertThat(fx.session(host.sessionId(), co.token()).path("host_member_id").asText())
        .isEqualTo(co.memberId());
  }

  @Test
  void quotas_refuse_with_429_quota_exceeded_and_change_nothing() {
    fx.settings(Map.of("max_pending_requests_per_guest", 2));
    Guest guest = fx.guest(host);
    fx.requestAdd(guest, fx.track(0));
    fx.requestAdd(guest, fx.track(1));

    Reply third = fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(0).id()));

    assertThat(third.status()).isEqualTo(429);
    assertThat(third.errorCode()).isEqualTo("quota_exceeded");
    assertThat(third.header("Retry-After")).isNotNull();
    assertThat(fx.requests(host.sessionId(), host.token(), "pending")).hasSize(2);
  }

  @Test
  void hourly_adds_are_limited_when_set() {
    fx.settings(Map.of("max_adds_per_guest_per_hour", 1));
    Guest guest = fx.guest(host);
    fx.approve(fx.requestAdd(guest, fx.track(0)), host.token());

    Reply second = fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(1).id()));
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.errorCode()).isEqualTo("quota_exceeded");

    app().clock().advance(Duration.ofMinutes(61));
    assertThat(
            fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(1).id())).status())
        .isEqualTo(201);
  }

  @Test
  void fair_queue_puts_bs_first_add_second_among_the_upcoming_not_fourth() {
    fx.settings(Map.of("max_pending_requests_per_guest", 10));
    Guest a = fx.guest(host);
    Guest b = fx.guest(host);
    for (int i = 0; i < 3; i++) {
      fx.approve(fx.requestAdd(a, fx.track(i % 2)), host.token());
    }
    fx.approve(fx.requestAdd(b, fx.track(0)), host.token());

    JsonNode items = fx.playlist(host).path("items");
    assertThat(items).hasSize(4);
    assertThat(items.get(1).path("added_by").asText()).isEqualTo(b.memberId());
  }

  @Test
  void a_rotated_code_answers_404_and_members_stay() {
    Guest guest = fx.guest(host);
    Reply rotated = app().post("sessions/" + host.sessionId() + "/invite", Map.of(), host.token());
    assertThat(rotated.status()).isEqualTo(200);
    String code = rotated.text("code");
    assertThat(code).isNotEqualTo(host.code());

    Reply old = fx.join(host.code(), TestServer.uniqueName("late"));
    assertThat(old.status()).isEqualTo(404);
    assertThat(fx.join(code, TestServer.uniqueName("new")).status()).isEqualTo(200);
    assertThat(app().get("sessions/" + host.sessionId(), guest.token()).status()).isEqualTo(200);
  }

  @Test
  void knock_mode_waits_for_the_host_who_admits_or_refuses() {
    Reply mode =
        app().patch("sessions/" + host.sessionId(), Map.of("join_mode", "knock"), host.token());
    assertThat(mode.status()).isEqualTo(200);
    WsClient hostSocket = connect(host.token());

    Reply knocked = fx.join(host.code(), TestServer.uniqueName("knocker"));
    assertThat(knocked.status()).isEqualTo(202);
    String knockId = knocked.text("knock_id");
    String secret = knocked.text("knock_token");
    assertThat(hostSocket.awaitType("knock").path("knock_id").asText()).isEqualTo(knockId);
    assertThat(knockStatus(knockId, secret).text("status")).isEqualTo("pending");
    assertThat(knockStatus(knockId, "wrong").status()).isEqualTo(401);

    assertThat(app().post("knocks/" + knockId + "/admit", Map.of(), host.token()).status())
        .isEqualTo(200);
    Reply joined = knockStatus(knockId, secret);
    assertThat(joined.text("role")).isEqualTo("guest");
    assertThat(app().get("sessions/" + host.sessionId(), joined.text("token")).status())
        .isEqualTo(200);

    Reply second = fx.join(host.code(), TestServer.uniqueName("knocker"));
    assertThat(
            app()
                .post("knocks/" + second.text("knock_id") + "/refuse", Map.of(), host.token())
                .status())
        .isEqualTo(200);
    assertThat(knockStatus(second.text("knock_id"), second.text("knock_token")).text("status"))
        .isEqualTo("refused");

    app().patch("sessions/" + host.sessionId(), Map.of("join_mode", "closed"), host.token());
    Reply closed = fx.join(host.code(), TestServer.uniqueName("late"));
    assertThat(closed.status()).isEqualTo(403);
    assertThat(closed.errorCode()).isEqualTo("session_closed");
  }

  @Test
  void knocks_over_the_rate_limit_are_refused() {
    app().patch("sessions/" + host.sessionId(), Map.of("join_mode", "knock"), host.token());
    fx.settings(Map.of("joins_per_ip_per_minute", 2));
    int refused = 0;
    for (int i = 0; i < 4; i++) {
      if (fx.join(host.code(), TestServer.uniqueName("k")).status() == 429) {
        refused++;
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Reply knockStatus(String knockId, String token) {
    return Reply.of(
        app().api("knocks/" + knockId).request().header("Authorization", "Bearer " + token).get());
  }
}
