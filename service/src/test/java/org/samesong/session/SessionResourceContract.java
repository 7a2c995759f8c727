package org.samesong.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Entity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * {@code /api/sessions} over HTTP against the running application: create, join by code, view, end,
 * kick, and who may do which. Run on H2 by {@link SessionResourceIT} and on PostgreSQL by {@link
 * SessionResourcePostgresIT}. Every test makes sessions of its own; tests that lower a limit put
 * the roomy settings of {@link SessionFixtures} back.
 */
abstract class SessionResourceContract {
  private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  abstract TestServer app();

  SessionFixtures fx;

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(app());
  }

  private List<String> memberNames(JsonNode session) {
    List<String> names = new ArrayList<>();
    session.path("members").forEach(m -> names.add(m.path("display_name").asText()));
    return names;
  }

  // --- create ------------------------------------------------------------------------------------

  @Test
  void a_user_creates_a_session_and_gets_a_host_token_for_it() {
    Reply reply = app().post("sessions", Map.of("name", "Friday night"), fx.userToken());

    assertThat(reply.status()).isEqualTo(201);
    assertThat(fieldNames(reply.json()))
        .contains(
            "id",
            "code",
            "join_url",
            "host_token",
            "refresh_token",
            "expires_in",
            "member_id",
            "session");
    String id = reply.text("id");
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(reply.text("code")).matches("[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6,8}");
    assertThat(reply.text("join_url")).endsWith("/join/" + reply.text("code"));
    assertThat(reply.text("host_token")).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(reply.json().path("expires_in").asLong()).isPositive();

    JsonNode session = reply.json().path("session");
    assertThat(session.path("id").asText()).isEqualTo(id);
    assertThat(session.path("name").asText()).isEqualTo("Friday night");
    assertThat(session.path("status").asText()).isEqualTo("live");
    assertThat(session.path("members")).hasSize(1);
    assertThat(session.at("/members/0/member_id").asText()).isEqualTo(reply.text("member_id"));
    assertThat(session.at("/members/0/role").asText()).isEqualTo("host");

    Reply view = app().get("sessions/" + id, reply.text("host_token"));
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.json().path("code").asText()).isEqualTo(reply.text("code"));
  }

  @Test
  void a_session_without_a_name_gets_one() {
    Reply reply = app().post("sessions", "{}", fx.userToken());

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().at("/session/name").asText()).isNotBlank();
  }

  @Test
  void creating_a_session_with_a_host_or_guest_token_is_403() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    assertError(app().post("sessions", Map.of("name", "x"), host.token()), 403, "forbidden");
    assertError(app().post("sessions", Map.of("name", "x"), guest.token()), 403, "forbidden");
  }

  @Test
  void creating_a_session_without_a_token_is_401() {
    assertError(app().post("sessions", Map.of("name", "x"), null), 401, "unauthorized");
  }

  @Test
  void a_session_name_over_120_characters_is_400_naming_the_field() {
    assertBadField(app().post("sessions", Map.of("name", "n".repeat(121)), fx.userToken()), "name");
    assertBadField(app().post("sessions", "{\"name\": {\"a\": 1}}", fx.userToken()), "name");

    Reply longest = app().post("sessions", Map.of("name", "n".repeat(120)), fx.userToken());
    assertThat(longest.status()).isEqualTo(201);
  }

  // --- join --------------------------------------------------------------------------------------

  @Test
  void a_guest_joins_by_code_and_gets_a_token_for_that_session_and_its_state() {
    Host host = fx.newSession();
    String itemId = fx.addItem(host, fx.track(0));

    Reply reply = fx.join(host.code(), "Ada");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(reply.json()))
        .contains(
            "session_id", "member_id", "role", "token", "refresh_token", "permissions", "state");
    assertThat(reply.text("session_id")).isEqualTo(host.sessionId());
    assertThat(reply.text("role")).isEqualTo("guest");
    assertThat(reply.json().path("permissions").isArray()).isTrue();
    assertThat(reply.json().at("/state/playback/state").asText()).isEqualTo("paused");
    assertThat(reply.json().at("/state/playlist/version").asLong()).isEqualTo(1);
    assertThat(reply.json().at("/state/playlist/items/0/item_id").asText()).isEqualTo(itemId);

    JsonNode session = fx.session(host.sessionId(), reply.text("token"));
    assertThat(memberNames(session)).contains("Ada");
  }

  @Test
  void an_invite_code_may_be_typed_in_lower_case_with_a_dash() {
    Host host = fx.newSession();
    String typed =
        host.code().substring(0, 3).toLowerCase() + "-" + host.code().substring(3).toLowerCase();

    assertThat(fx.join(typed, "Lowercase").status()).isEqualTo(200);
  }

  @Test
  void a_blank_or_too_long_display_name_is_400_and_spends_no_join_budget() {
    Host host = fx.newSession();
    app().clock().advance(Duration.ofMinutes(1));
    fx.settings(Map.of("joins_per_ip_per_minute", 2));
    try {
      String join = "sessions/" + host.code() + "/join";
      assertBadField(fx.join(host.code(), ""), "display_name");
      assertBadField(fx.join(host.code(), "   "), "display_name");
      assertBadField(fx.join(host.code(), "x".repeat(41)), "display_name");
      assertBadField(fx.join(host.code(), "tab\there"), "display_name");
      assertBadField(app().post(join, "{}", null), "display_name");
      assertBadField(app().post(join, "{\"display_name\": {\"a\": 1}}", null), "display_name");
      assertThat(Reply.of(app().request(join, null).post(Entity.json(""))).status()).isEqualTo(400);

      assertThat(fx.join(host.code(), "x".repeat(40)).status()).isEqualTo(200);
      assertThat(fx.join(host.code(), "Second").status()).isEqualTo(200);
      assertError(fx.join(host.code(), "Third"), 429, "rate_limited");
      assertThat(memberNames(fx.session(host))).hasSize(3);
    } finally {
      fx.relax();
    }
  }

  @Test
  void joining_with_an_unknown_or_malformed_code_is_404() {
    assertError(fx.join("ZZZZZZZZ", "Nobody"), 404, "not_found");
    assertError(fx.join("0O1I0O", "Nobody"), 404, "not_found");
    assertError(fx.join("ABC", "Nobody"), 404, "not_found");
    assertError(fx.join("ABCDEFGHJK", "Nobody"), 404, "not_found");
  }

  @Test
  void joining_an_ended_session_is_404() {
    Host host = fx.newSession();
    assertThat(app().delete("sessions/" + host.sessionId(), host.token()).status()).isEqualTo(204);

    assertError(fx.join(host.code(), "Late"), 404, "not_found");
  }

  @Test
  void a_join_beyond_max_guests_per_session_is_409_session_full_and_adds_nobody() {
    Host host = fx.newSession();
    fx.settings(Map.of("max_guests_per_session", 1));
    try {
      fx.join(host, "First");

      assertError(fx.join(host.code(), "Second"), 409, "session_full");
      JsonNode session = fx.session(host);
      assertThat(session.path("members")).hasSize(2);
      assertThat(memberNames(session)).contains("First").doesNotContain("Second");
    } finally {
      fx.relax();
    }
  }

  @Test
  void joins_arriving_together_are_judged_one_by_one_for_room_and_name() throws Exception {
    Host host = fx.newSession();
    fx.settings(Map.of("max_guests_per_session", 5));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(12);
    try {
      // twelve at once, three of them with the same name in different cases
      List<java.util.concurrent.Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String name = i < 3 ? List.of("Dup", "DUP", "dup").get(i) : "Guest " + i;
        replies.add(pool.submit(() -> fx.join(host.code(), name)));
      }
      List<String> outcomes = new ArrayList<>();
      for (java.util.concurrent.Future<Reply> r : replies) {
        Reply reply = r.get();
        outcomes.add(reply.status() == 200 ? "joined" : reply.errorCode());
      }

      assertThat(outcomes.stream().filter("joined"::equals).count()).isEqualTo(5);
      assertThat(outcomes)
          .allMatch(o -> List.of("joined", "session_full", "display_name_taken").contains(o));
      JsonNode session = fx.session(host);
      assertThat(session.path("members")).hasSize(6);
      assertThat(memberNames(session).stream().filter(n -> n.equalsIgnoreCase("dup")).count())
          .as("one Dup at most")
          .isLessThanOrEqualTo(1);
    } finally {
      pool.shutdownNow();
      fx.relax();
    }
  }

  @Test
  void a_display_name_taken_in_the_session_is_409_whatever_its_case() {
    Host host = fx.newSession();
    fx.join(host, "Grace");

    assertThat(fx.join(host.code(), "grace").status()).isEqualTo(409);
    assertThat(fx.join(host.code(), "GRACE").errorCode()).isEqualTo("display_name_taken");
    assertThat(fx.session(host).path("members")).hasSize(2);
    assertThat(fx.join(fx.newSession().code(), "Grace").status())
        .as("another session may have its own Grace")
        .isEqualTo(200);
  }

  @Test
  void names_that_look_alike_are_one_name_and_invisible_or_direction_characters_are_refused() {
    Host host = fx.newSession();
    fx.join(host, "carol");

    // the outside review's impersonations, beside the member "carol"
    assertError(fx.join(host.code(), "c\u0430rol"), 409, "display_name_taken"); // Cyrillic a
    assertError(fx.join(host.code(), "CAROL"), 409, "display_name_taken");
    assertBadField(fx.join(host.code(), "carol\u200b"), "display_name"); // zero-width space
    assertBadField(fx.join(host.code(), "\u202elorac"), "display_name"); // right-to-left override
    assertBadField(fx.join(host.code(), "evil\u202egnp.exe"), "display_name");
    assertBadField(fx.join(host.code(), "\u200b\u200b"), "display_name");
    assertBadField(fx.join(host.code(), "\u0378x"), "display_name"); // unassigned
    assertThat(fx.join(host.code(), "c\u0430rol").body())
        .contains("someone in this session already has the name");

    // NFC: "Zoë" typed with a combining diaeresis is the same name, stored composed
    fx.join(host, "Zoe\u0308");
    assertError(fx.join(host.code(), "Zo\u00eb"), 409, "display_name_taken");
    assertThat(memberNames(fx.session(host))).contains("Zo\u00eb").doesNotContain("Zoe\u0308");

    // the host's own name is taken too
    String hostName = fx.session(host).at("/members/0/display_name").asText();
    assertError(fx.join(host.code(), hostName.toUpperCase()), 409, "display_name_taken");
    assertThat(fx.session(host).path("members")).hasSize(3);
  }

  @Test
  void joins_beyond_joins_per_ip_per_minute_get_429_with_retry_after_until_a_minute_passes() {
    Host host = fx.newSession();
    app().clock().advance(Duration.ofMinutes(1));
    fx.settings(Map.of("joins_per_ip_per_minute", 3));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(fx.join(host.code(), "Joiner " + i).status()).isEqualTo(200);
      }

      Reply refused = fx.join(host.code(), "One too many");
      assertError(refused, 429, "rate_limited");
      assertThat(refused.header("Retry-After")).isNotNull();
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      assertError(fx.join("ZZZZZZZZ", "Guesser"), 429, "rate_limited");
      assertThat(fx.session(host).path("members")).hasSize(4);

      app().clock().advance(Duration.ofMinutes(1));
      assertThat(fx.join(host.code(), "One too many").status()).isEqualTo(200);
    } finally {
      fx.relax();
    }
  }

  // --- view --------------------------------------------------------------------------------------

  @Test
  void a_member_sees_the_session_with_its_members_and_playback_state() {
    Host host = fx.newSession();
    Guest guest = fx.join(host, "Linus");

    for (String token : List.of(host.token(), guest.token())) {
      JsonNode session = fx.session(host.sessionId(), token);
      assertThat(session.path("id").asText()).isEqualTo(host.sessionId());
      assertThat(session.path("code").asText()).isEqualTo(host.code());
      assertThat(session.path("status").asText()).isEqualTo("live");
      assertThat(session.path("join_url").asText()).endsWith("/join/" + host.code());
      assertThat(session.path("playlist_version").asLong()).isZero();
      List<String> roles = new ArrayList<>();
      session
          .path("members")
          .forEach(m -> roles.add(m.path("member_id").asText() + "=" + m.path("role").asText()));
      assertThat(roles)
          .containsExactlyInAnyOrder(host.memberId() + "=host", guest.memberId() + "=guest");
      JsonNode playback = session.path("playback_state");
      assertThat(playback.path("state").asText()).isEqualTo("paused");
      assertThat(playback.path("position_ms").asLong()).isZero();
      assertThat(playback.path("updated_at").asText()).matches(ISO_MILLIS);
    }
  }

  @Test
  void a_user_token_or_another_sessions_token_gets_403_on_a_session() {
    Host host = fx.newSession();
    Host other = fx.newSession();
    Guest otherGuest = fx.guest(other);
    String path = "sessions/" + host.sessionId();

    assertError(app().get(path, fx.userToken()), 403, "forbidden");
    assertError(app().get(path, fx.adminToken()), 403, "forbidden");
    assertError(app().get(path, other.token()), 403, "forbidden");
    assertError(app().get(path, otherGuest.token()), 403, "forbidden");
  }

  @Test
  void a_session_id_that_is_not_a_uuid_is_404() {
    Host host = fx.newSession();

    assertError(app().get("sessions/not-a-session", host.token()), 404, "not_found");
    assertError(app().get("sessions/" + host.sessionId() + "x", host.token()), 404, "not_found");
  }

  @Test
  void every_session_endpoint_refuses_a_missing_or_expired_token_with_401() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest guest = fx.guest(host);
    String request = fx.requestRemove(guest, item);
    String s = "sessions/" + host.sessionId();
    Map<String, Object> add = Map.of("track_id", fx.track(0).id());
    Map<String, Object> play = Map.of("action", "play");

    fx.settings(Map.of("access_token_ttl_s", 30));
    Guest shortLived;
    Reply shortHost;
    try {
      shortLived = fx.guest(host);
      shortHost = app().post("sessions", Map.of("name", "short"), fx.userToken());
    } finally {
      fx.relax();
    }
    String expiredHost = shortHost.text("host_token");
    String expiredGuest = shortLived.token();
    String hs = "sessions/" + shortHost.text("id");
    assertThat(app().get(s, expiredGuest).status()).as("before expiry").isEqualTo(200);
    assertThat(app().get(hs, expiredHost).status()).as("before expiry").isEqualTo(200);
    app().clock().advance(Duration.ofSeconds(31));

    for (String token : new String[] {null, "not.a.token", expiredGuest}) {
      assertError(app().get(s, token), 401, "unauthorized");
      assertError(app().get(s + "/playlist", token), 401, "unauthorized");
      assertError(app().post(s + "/playlist", add, token), 401, "unauthorized");
      assertError(
          app().patch(s + "/playlist/" + item, Map.of("position", 0), token), 401, "unauthorized");
      assertError(app().delete(s + "/playlist/" + item, token), 401, "unauthorized");
      assertError(
          app().post(s + "/requests", Map.of("action", "remove", "item_id", item), token),
          401,
          "unauthorized");
      assertError(app().get(s + "/requests", token), 401, "unauthorized");
      assertError(app().delete("requests/" + request, token), 401, "unauthorized");
    }
    for (String token : new String[] {null, expiredHost}) {
      assertError(app().get(hs, token), 401, "unauthorized");
      assertError(app().post(hs + "/playback", play, token), 401, "unauthorized");
      assertError(
          app().post("requests/" + request + "/approve", Map.of(), token), 401, "unauthorized");
      assertError(
          app().post("requests/" + request + "/deny", Map.of(), token), 401, "unauthorized");
      assertError(app().delete(hs + "/members/" + guest.memberId(), token), 401, "unauthorized");
      assertError(app().delete(hs, token), 401, "unauthorized");
    }

    assertThat(fx.itemIds(host)).containsExactly(item);
    assertThat(fx.requests(host.sessionId(), host.token(), null).get(0).path("status").asText())
        .isEqualTo("pending");
  }

  // --- end ---------------------------------------------------------------------------------------

  @Test
  void an_ended_session_refuses_joins_edits_commands_and_requests_but_can_still_be_read() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest guest = fx.guest(host);
    String pending = fx.requestRemove(guest, item);
    String s = "sessions/" + host.sessionId();

    assertThat(app().delete(s, host.token()).status()).isEqualTo(204);

    assertError(fx.join(host.code(), "Latecomer"), 404, "not_found");
    assertError(
        app().post(s + "/playlist", Map.of("track_id", fx.track(1).id()), host.token()),
        409,
        "session_ended");
    assertError(
        app().patch(s + "/playlist/" + item, Map.of("position", 0), host.token()),
        409,
        "session_ended");
    assertError(app().delete(s + "/playlist/" + item, host.token()), 409, "session_ended");
    assertError(fx.command(host, "play"), 409, "session_ended");
    assertError(
        app().post(s + "/playlist", Map.of("track_id", fx.track(1).id()), guest.token()),
        409,
        "session_ended");
    assertError(
        fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(1).id())),
        409,
        "session_ended");
    assertError(fx.approve(pending, host.token()), 409, "session_ended");
    assertError(fx.deny(pending, host.token(), null), 409, "session_ended");
    assertError(
        app().delete(s + "/members/" + guest.memberId(), host.token()), 409, "session_ended");
    assertError(app().delete(s, host.token()), 409, "session_ended");

    for (String token : List.of(host.token(), guest.token())) {
      JsonNode session = fx.session(host.sessionId(), token);
      assertThat(session.path("status").asText()).isEqualTo("ended");
      assertThat(session.path("ended_at").isNumber()).isTrue();
    }
    JsonNode playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist)).containsExactly(item);
    assertThat(playlist.path("version").asLong()).isEqualTo(1);
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), null)))
        .containsExactly(Map.entry(pending, "pending"));
  }

  @Test
  void a_guest_cannot_end_the_session() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    assertError(app().delete("sessions/" + host.sessionId(), guest.token()), 403, "forbidden");
    assertError(
        app().delete("sessions/" + host.sessionId(), fx.newSession().token()), 403, "forbidden");
    assertThat(fx.session(host).path("status").asText()).isEqualTo("live");
  }

  // --- kick --------------------------------------------------------------------------------------

  @Test
  void a_kicked_guests_token_stops_working_at_once() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    Guest stays = fx.guest(host);
    assertThat(app().get("sessions/" + host.sessionId(), guest.token()).status()).isEqualTo(200);

    Reply kick =
        app().delete("sessions/" + host.sessionId() + "/members/" + guest.memberId(), host.token());

    assertThat(kick.status()).isEqualTo(204);
    assertError(app().get("sessions/" + host.sessionId(), guest.token()), 401, "unauthorized");
    assertError(
        fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(0).id())),
        401,
        "unauthorized");
    assertThat(memberNames(fx.session(host))).doesNotContain(guest.name()).contains(stays.name());
    assertThat(app().get("sessions/" + host.sessionId(), stays.token()).status()).isEqualTo(200);
  }

  @Test
  void kicking_the_host_is_400_and_changes_nothing() {
    Host host = fx.newSession();

    Reply reply =
        app().delete("sessions/" + host.sessionId() + "/members/" + host.memberId(), host.token());

    JsonNode error = assertError(reply, 400, "cannot_kick_host");
    assertThat(error.path("field").asText()).isEqualTo("member_id");
    assertThat(fx.session(host).path("members")).hasSize(1);
  }

  @Test
  void kicking_an_unknown_member_is_404() {
    Host host = fx.newSession();
    Host other = fx.newSession();
    Guest elsewhere = fx.guest(other);
    String members = "sessions/" + host.sessionId() + "/members/";

    assertError(
        app().delete(members + SessionFixtures.unknownId(), host.token()), 404, "not_found");
    assertError(app().delete(members + "not-a-member", host.token()), 404, "not_found");
    assertError(app().delete(members + elsewhere.memberId(), host.token()), 404, "not_found");
    assertThat(app().get("sessions/" + other.sessionId(), elsewhere.token()).status())
        .isEqualTo(200);
  }

  @Test
  void a_guest_cannot_kick() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    Guest target = fx.guest(host);

    Reply reply =
        app()
            .delete(
                "sessions/" + host.sessionId() + "/members/" + target.memberId(), guest.token());

    assertError(reply, 403, "forbidden");
    assertThat(app().get("sessions/" + host.sessionId(), target.token()).status()).isEqualTo(200);
  }
}
