package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Reply;
import org.samesong.testing.Scrape;
import org.samesong.testing.WsClient;

/**
 * Two real instances on different ports sharing the machine's PostgreSQL and Redis, with no session
 * affinity: a host command on A reaches a guest connected to B in order, a login revoked on A
 * closes its connection on B, settings changed on A hold on B, guest rate limits count requests on
 * both, and each instance's member lists show who is connected to the other.
 */
class ClusterIT {
  private static final String FANOUT = "samesong_fanout_latency_seconds";
  private static TwoInstances cluster;
  private static LiveApp a;
  private static LiveApp b;

  @BeforeAll
  static void start() throws Exception {
    cluster = TwoInstances.start("samesong-");
    a = cluster.a;
    b = cluster.b;
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Session(String id, String code, String hostToken, String track1, String track2) {}

  private static Session newSession() {
    String admin = a.api().adminToken();
    JsonNode tracks = a.api().get("/catalog/tracks", admin).json().path("items");
    JsonNode created = a.api().post("/sessions", Map.of("name", "cluster"), admin).json();
    Session s =
        new Session(
            created.path("id").asText(),
            created.path("code").asText(),
            created.path("host_token").asText(),
            tracks.get(0).path("id").asText(),
            tracks.get(1).path("id").asText());
    assertThat(
            a.api()
                .post(
                    "/sessions/" + s.id() + "/playlist",
                    Map.of("track_id", s.track1()),
                    s.hostToken())
                .status())
        .isEqualTo(201);
    return s;
  }

  private static String join(LiveApp on, Session s, String name) {
    return joined(on, s, name).path("token").asText();
  }

  /** The join answer: {@code member_id}, {@code token}... */
  private static JsonNode joined(LiveApp on, Session s, String name) {
    Reply joined =
        on.api().post("/sessions/" + s.code() + "/join", Map.of("display_name", name), null);
    assertThat(joined.status()).isEqualTo(200);
    return joined.json();
  }

  /** Whether a member list ({@code members} of a message or of the session view) says connected. */
  private static boolean connected(JsonNode message, String memberId) {
    for (JsonNode m : message.path("members")) {
      if (memberId.equals(m.path("member_id").asText())) {
        return m.path("connected").asBoolean();
      }
    }
    throw new AssertionError("no member " + memberId + " in " + message);
  }

  /**
   * Whether a {@code member_update} (only the members that changed) names the member with that
   * connected flag.
   */
  private static boolean says(JsonNode update, String memberId, boolean connected) {
    for (JsonNode m : update.path("members")) {
      if (memberId.equals(m.path("member_id").asText())) {
        return m.path("connected").asBoolean() == connected;
      }
    }
    return false;
  }

  /** The session as a member sees it over REST on {@code on}. */
  private static JsonNode view(LiveApp on, Session s) {
    Reply view = on.api().get("/sessions/" + s.id(), s.hostToken());
    assertThat(view.status()).isEqualTo(200);
    return view.json();
  }

  @Test
  void a_guest_connected_to_one_instance_shows_as_connected_to_the_host_on_the_other() {
    Session s = newSession();
    JsonNode guest = joined(b, s, "present-on-b");
    String guestId = guest.path("member_id").asText();
    WsClient.Connected host = WsClient.connectOk(a.port(), s.id(), s.hostToken());
    String hostId = host.hello().path("member_id").asText();
    try (WsClient hostOnA = host.client()) {
      assertThat(connected(host.hello(), guestId)).as("the guest before connecting").isFalse();

      WsClient.Connected onB = WsClient.connectOk(b.port(), s.id(), guest.path("token").asText());
      try (WsClient guestOnB = onB.client()) {
        // B's hello and B's member_update count the host connected to A
        assertThat(connected(onB.hello(), hostId)).as("the host, in B's hello").isTrue();
        hostOnA.awaitType(
            "member_update", m -> says(m, guestId, true), "saying the guest on B is connected");
        assertThat(connected(view(a, s), guestId)).as("the guest, in A's session view").isTrue();

        // the hello of a second connection of the host (built on A) counts the guest on B
        try (WsClient again = WsClient.connectOk(a.port(), s.id(), s.hostToken()).client()) {
          assertThat(connected(again.received("hello").get(0), guestId))
              .as("the guest, in A's hello")
              .isTrue();
        }
      }

      hostOnA.awaitType(
          "member_update",
          m -> says(m, guestId, false),
          "saying the guest on B is no longer connected");
      assertThat(connected(view(a, s), guestId)).as("the guest, in A's view after").isFalse();
      assertThat(connected(view(b, s), hostId)).as("the host, in B's view").isTrue();
    }
  }

  @Test
  void connections_an_instance_stopped_renewing_lapse_and_the_host_hears_of_it() {
    Session s = newSession();
    // joined through B: A reads the session's members (and their presence) when the host connects
    String lapsing = joined(b, s, "on-a-dying-instance").path("member_id").asText();
    String lapsed = joined(b, s, "on-a-dead-instance").path("member_id").asText();
    // what an instance that died leaves behind: entries nobody renews, written with Redis's clock
    RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> c = redis.connect()) {
      List<String> time = c.sync().time();
      long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
      String key = "samesong:presence:" + s.id();
      c.sync().zadd(key, now + 5_000, lapsing + "|a-dying-instance");
      c.sync().zadd(key, now - 1_000, lapsed + "|a-dead-instance");
    } finally {
      redis.shutdown();
    }

    WsClient.Connected host = WsClient.connectOk(a.port(), s.id(), s.hostToken());
    try (WsClient hostOnA = host.client()) {
      assertThat(connected(host.hello(), lapsing)).as("an entry not expired yet counts").isTrue();
      assertThat(connected(host.hello(), lapsed)).as("an expired entry").isFalse();

      // A sweeps the sessions followed there every 15 s and tells them what lapsed
      hostOnA.awaitMessage(
          m -> "member_update".equals(m.path("type").asText()) && says(m, lapsing, false),
          Duration.ofSeconds(30),
          "a member_update once the entry lapsed");
      assertThat(connected(view(a, s), lapsing)).as("in A's session view").isFalse();
      assertThat(connected(view(b, s), lapsing)).as("in B's session view").isFalse();
    }
  }

  @Test
  void a_host_command_on_one_instance_reaches_a_guest_on_the_other_in_order() {
    Session s = newSession();
    String guest = join(b, s, "on-b");
    try (WsClient onB = WsClient.connectOk(b.port(), s.id(), guest).client();
        WsClient hostOnA = WsClient.connectOk(a.port(), s.id(), s.hostToken()).client()) {
      assertThat(
              a.api()
                  .post(
                      "/sessions/" + s.id() + "/playback", Map.of("action", "play"), s.hostToken())
                  .status())
          .isEqualTo(200);
      JsonNode playing =
          onB.awaitType(
              "playback_state", m -> "playing".equals(m.path("state").asText()), "playing on B");
      assertThat(playing.path("track_id").asText()).isEqualTo(s.track1());

      // a command sent over A's WebSocket, too
      hostOnA.send(Map.of("type", "playback_command", "action", "pause"));
      onB.awaitType(
          "playback_state", m -> "paused".equals(m.path("state").asText()), "paused on B");

      long last = 0;
      for (JsonNode m : onB.received()) {
        if (!m.path("type").asText().equals("hello") && !m.path("type").asText().equals("pong")) {
          assertThat(m.path("seq").asLong()).as("seq of %s", m).isGreaterThan(last);
          last = m.path("seq").asLong();
        }
      }
    }
  }

  @Test
  void a_command_on_one_instance_moves_the_fanout_histogram_of_the_instance_that_delivers_it() {
    Session s = newSession();
    String guest = join(b, s, "measured-on-b");
    try (WsClient onB = WsClient.connectOk(b.port(), s.id(), guest).client()) {
      // its own connect's member_update (coalesced, sent a moment later) is not what is measured
      onB.awaitType("member_update");
      onB.roundTrip();
      Scrape before = Scrape.of(b.adminPort());

      assertThat(
              a.api()
                  .post(
                      "/sessions/" + s.id() + "/playback", Map.of("action", "play"), s.hostToken())
                  .status())
          .isEqualTo(200);
      onB.awaitType(
          "playback_state", m -> "playing".equals(m.path("state").asText()), "playing on B");
      Scrape after = Scrape.of(b.adminPort());

      // created on A, handed over on B: one listener, one observation, A's stamp carried by Redis
      assertThat(after.value(FANOUT + "_count")).isEqualTo(before.value(FANOUT + "_count") + 1);
      double latency = after.value(FANOUT + "_sum") - before.value(FANOUT + "_sum");
      assertThat(latency).isPositive().isLessThan(5);
      assertThat(after.value("samesong_connected_listeners", "role", "guest"))
          .isGreaterThanOrEqualTo(1);
      assertThat(after.value("samesong_event_bus_up")).isEqualTo(1);
    }
  }

  @Test
  void a_right_given_on_one_instance_reaches_the_members_socket_on_the_other_and_takes_effect() {
    Session s = newSession();
    JsonNode guest = joined(b, s, "given-rights-on-b");
    String memberId = guest.path("member_id").asText();
    try (WsClient onB =
        WsClient.connectOk(b.port(), s.id(), guest.path("token").asText()).client()) {
      onB.send(Map.of("type", "playback_command", "action", "play", "ref", "before"));
      assertThat(onB.awaitType("error").path("code").asText()).isEqualTo("forbidden");

      Reply given =
          a.api()
              .patch(
                  "/sessions/" + s.id() + "/members/" + memberId,
                  Map.of("permissions", Map.of("control_playback", true)),
                  s.hostToken());
      assertThat(given.status()).as("%s", given).isEqualTo(200);

      // told on B, to this member alone, without reconnecting
      JsonNode told =
          onB.awaitType(
              "member_update",
              m ->
                  memberId.equals(m.path("members").path(0).path("member_id").asText())
                      && m.path("members")
                          .path(0)
                          .path("permissions")
                          .path("control_playback")
                          .asBoolean(),
              "the new right on B");
      assertThat(told.path("members")).hasSize(1);
      // and B's connection acts on it: the same command now plays, for everyone
      onB.send(Map.of("type", "playback_command", "action", "play", "ref", "after"));
      JsonNode playing =
          onB.awaitType(
              "playback_state", m -> "playing".equals(m.path("state").asText()), "playing");
      assertThat(playing.path("track_id").asText()).isEqualTo(s.track1());
      assertThat(view(a, s).path("playback_state").path("state").asText()).isEqualTo("playing");

      // taken back on A: B refuses again
      a.api()
          .patch(
              "/sessions/" + s.id() + "/members/" + memberId,
              Map.of("permissions", Map.of("control_playback", false)),
              s.hostToken());
      onB.awaitType(
          "member_update",
          m ->
              memberId.equals(m.path("members").path(0).path("member_id").asText())
                  && !m.path("members")
                      .path(0)
                      .path("permissions")
                      .path("control_playback")
                      .asBoolean(true),
          "the right taken on B");
      onB.send(Map.of("type", "playback_command", "action", "pause", "ref", "taken"));
      onB.awaitType(
          "error", m -> "taken".equals(m.path("ref").asText()), "refused once taken back");
    }
  }

  @Test
  void a_login_revoked_on_one_instance_closes_its_connection_on_the_other() {
    Session s = newSession();
    Reply joined =
        b.api().post("/sessions/" + s.code() + "/join", Map.of("display_name", "leaver"), null);
    assertThat(joined.status()).isEqualTo(200);
    try (WsClient onB =
        WsClient.connectOk(b.port(), s.id(), joined.json().path("token").asText()).client()) {
      Reply out =
          a.api()
              .post(
                  "/auth/logout",
                  Map.of("refresh_token", joined.json().path("refresh_token").asText()),
                  joined.json().path("token").asText());

      assertThat(out.status()).isEqualTo(204);
      onB.assertClosedWith(4401);
    }
  }

  @Test
  void settings_and_guest_rate_limits_hold_across_both_instances() throws Exception {
    String admin = a.api().adminToken();
    Reply changed =
        a.api()
            .patch(
                "/admin/settings",
                Map.of("guest_request_burst", 2, "guest_requests_per_minute", 2),
                admin);
    assertThat(changed.status()).isEqualTo(200);
    // B reloads when A's change arrives over Redis
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (b.api()
            .get("/admin/settings", b.api().adminToken())
            .json()
            .path("guest_request_burst")
            .asInt()
        != 2) {
      assertThat(System.nanoTime()).as("B sees the new burst").isLessThan(deadline);
      Thread.sleep(50);
    }
    try {
      Session s = newSession();
      String guest = join(a, s, "limited");
      Map<String, Object> add = Map.of("action", "add", "track_id", s.track2());
      assertThat(a.api().post("/sessions/" + s.id() + "/requests", add, guest).status())
          .isEqualTo(201);
      assertThat(b.api().post("/sessions/" + s.id() + "/requests", add, guest).status())
          .isEqualTo(201);
      Reply third = b.api().post("/sessions/" + s.id() + "/requests", add, guest);
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.header("Retry-After")).isNotBlank();
      assertThat(a.api().post("/sessions/" + s.id() + "/requests", add, guest).status())
          .isEqualTo(429);
    } finally {
      a.api()
          .patch(
              "/admin/settings",
              Map.of("guest_request_burst", 3, "guest_requests_per_minute", 5),
              admin);
    }
  }

  @Test
  void a_players_setting_changed_on_one_instance_reaches_the_players_on_both() {
    String admin = a.api().adminToken();
    int before = a.api().get("/admin/settings", admin).json().path("seek_threshold_ms").asInt();
    Session s = newSession();
    try (WsClient onB = WsClient.connectOk(b.port(), s.id(), join(b, s, "set-b")).client();
        WsClient onA = WsClient.connectOk(a.port(), s.id(), join(a, s, "set-a")).client()) {
      assertThat(
              a.api()
                  .patch("/admin/settings", Map.of("seek_threshold_ms", before + 25), admin)
                  .status())
          .isEqualTo(200);
      for (WsClient ws : List.of(onA, onB)) {
        JsonNode update =
            ws.awaitType(
                "settings_update",
                m -> m.at("/settings/seek_threshold_ms").asInt() == before + 25,
                "the new seek threshold");
        assertThat(update.path("seq").asLong()).isNotNegative();
      }
    } finally {
      a.api().patch("/admin/settings", Map.of("seek_threshold_ms", before), admin);
    }
  }

  @Test
  void the_event_bus_health_check_reports_redis() throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + a.adminPort() + "/healthcheck"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("event-bus").contains("redis pub/sub reachable");
  }
}
