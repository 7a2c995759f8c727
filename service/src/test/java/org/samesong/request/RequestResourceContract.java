package org.samesong.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.session.SessionFixtures.Track;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * Guest requests over HTTP: filing ({@code POST /api/sessions/{id}/requests}), who sees which, the
 * host's approval (applies the change) and denial, the author's cancellation, decisions that come
 * once, expiry with the target item, the guest rate limits (one limiter for requests and a guest's
 * playlist edits) and two approvals racing. Run on H2 by {@link RequestResourceIT} and on
 * PostgreSQL by {@link RequestResourcePostgresIT}.
 */
abstract class RequestResourceContract {
  abstract TestServer app();

  SessionFixtures fx;

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(app());
  }

  private static Map<String, Object> body(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private Reply cancel(String requestId, String token) {
    return app().delete("requests/" + requestId, token);
  }

  private JsonNode requests(Host host) {
    return fx.requests(host.sessionId(), host.token(), null);
  }

  // --- filing ------------------------------------------------------------------------------------

  @Test
  void a_guest_files_add_move_and_remove_requests_that_wait_as_pending() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.join(host, "Requester");
    JsonNode before = fx.playlist(host);
    Track track = fx.track(2);

    Reply add =
        fx.fileRequest(
            guest,
            body("action", "add", "track_id", track.id(), "position", 1, "note", "  please  "));
    Reply move =
        fx.fileRequest(guest, body("action", "move", "item_id", ids.get(1), "position", 0));
    Reply remove = fx.fileRequest(guest, body("action", "remove", "item_id", ids.get(0)));

    for (Reply reply : List.of(add, move, remove)) {
      assertThat(reply.status()).as("%s", reply).isEqualTo(201);
      assertThat(fieldNames(reply.json()))
          .contains(
              "request_id",
              "session_id",
              "action",
              "payload",
              "status",
              "requested_by",
              "created_at");
      assertThat(reply.text("status")).isEqualTo("pending");
      assertThat(reply.text("session_id")).isEqualTo(host.sessionId());
      assertThat(reply.text("requested_by")).isEqualTo(guest.memberId());
      assertThat(reply.text("requested_by_name")).isEqualTo("Requester");
    }
    assertThat(add.text("action")).isEqualTo("add");
    assertThat(add.json().at("/payload/track_id").asText()).isEqualTo(track.id());
    assertThat(add.json().at("/payload/position").asInt()).isEqualTo(1);
    assertThat(add.text("note")).isEqualTo("please");
    assertThat(move.json().at("/payload/item_id").asText()).isEqualTo(ids.get(1));
    assertThat(remove.json().at("/payload/item_id").asText()).isEqualTo(ids.get(0));

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(SessionFixtures.statuses(requests(host)).keySet())
        .containsExactlyInAnyOrder(
            add.text("request_id"), move.text("request_id"), remove.text("request_id"));
  }

  @Test
  void a_host_cannot_file_a_request() {
    Host host = fx.newSession();

    Reply reply =
        app()
            .post(
                "sessions/" + host.sessionId() + "/requests",
                body("action", "add", "track_id", fx.track(0).id()),
                host.token());

    assertError(reply, 403, "forbidden");
    assertThat(requests(host)).isEmpty();
  }

  @Test
  void a_guest_of_another_session_cannot_file_or_list_requests_there() {
    Host host = fx.newSession();
    Guest stranger = fx.guest(fx.newSession());
    String path = "sessions/" + host.sessionId() + "/requests";

    assertError(
        app().post(path, body("action", "add", "track_id", fx.track(0).id()), stranger.token()),
        403,
        "forbidden");
    assertError(app().get(path, stranger.token()), 403, "forbidden");
    assertThat(requests(host)).isEmpty();
  }

  @Test
  void bad_request_input_is_400_naming_the_field_and_files_nothing() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest guest = fx.guest(host);
    String track = fx.track(1).id();

    assertBadField(fx.fileRequest(guest, body("track_id", track)), "action");
    assertBadField(fx.fileRequest(guest, body("action", "replace", "track_id", track)), "action");
    assertBadField(fx.fileRequest(guest, body("action", "add")), "track_id");
    assertBadField(
        fx.fileRequest(guest, body("action", "add", "track_id", track, "position", -1)),
        "position");
    assertBadField(
        fx.fileRequest(guest, body("action", "add", "track_id", track, "position", 2)), "position");
    assertBadField(
        fx.fileRequest(guest, body("action", "add", "track_id", track, "position", "x")),
        "position");
    assertBadField(
        fx.fileRequest(guest, body("action", "add", "track_id", track, "note", "n".repeat(501))),
        "note");
    assertBadField(fx.fileRequest(guest, body("action", "move", "position", 0)), "item_id");
    assertBadField(fx.fileRequest(guest, body("action", "move", "item_id", item)), "position");
    assertBadField(
        fx.fileRequest(guest, body("action", "move", "item_id", item, "position", 1)), "position");
    assertBadField(fx.fileRequest(guest, body("action", "remove")), "item_id");
    assertBadField(fx.fileRequest(guest, body("action", 7, "track_id", track)), "action");
    JsonNode url =
        assertError(
            fx.fileRequest(guest, body("action", "add", "url", "ftp://example.com/a.mp3")),
            400,
            "invalid_url");
    assertThat(url.path("field").asText()).isEqualTo("url");
    assertBadField(
        fx.fileRequest(
            guest, body("action", "add", "url", "https://example.com/a.mp3", "track_id", track)),
        "url");
    assertError(
        fx.fileRequest(guest, body("action", "add", "track_id", SessionFixtures.unknownId())),
        404,
        "not_found");
    assertError(
        fx.fileRequest(guest, body("action", "remove", "item_id", SessionFixtures.unknownId())),
        404,
        "not_found");
    assertError(
        fx.fileRequest(guest, body("action", "move", "item_id", "nope", "position", 0)),
        404,
        "not_found");

    assertThat(requests(host)).isEmpty();
    assertThat(fx.itemIds(host)).containsExactly(item);
  }

  // --- listing -----------------------------------------------------------------------------------

  @Test
  void a_guest_sees_their_own_requests_and_decided_ones_of_others_but_not_others_pending() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest ann = fx.join(host, "Ann");
    Guest bob = fx.join(host, "Bob");
    String annPending = fx.requestAdd(ann, fx.track(1));
    String annApproved = fx.requestAdd(ann, fx.track(2));
    String annDenied = fx.requestRemove(ann, item);
    String bobPending = fx.requestMove(bob, item, 0);
    String bobCancelled = fx.requestAdd(bob, fx.track(3));
    assertThat(fx.approve(annApproved, host.token()).status()).isEqualTo(200);
    assertThat(fx.deny(annDenied, host.token(), "not now").status()).isEqualTo(200);
    assertThat(cancel(bobCancelled, bob.token()).status()).isEqualTo(200);

    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), bob.token(), null)))
        .containsOnly(
            Map.entry(annApproved, "approved"),
            Map.entry(annDenied, "denied"),
            Map.entry(bobPending, "pending"),
            Map.entry(bobCancelled, "cancelled"));
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), ann.token(), null)))
        .containsOnly(
            Map.entry(annPending, "pending"),
            Map.entry(annApproved, "approved"),
            Map.entry(annDenied, "denied"));
    assertThat(SessionFixtures.statuses(requests(host)))
        .containsOnly(
            Map.entry(annPending, "pending"),
            Map.entry(annApproved, "approved"),
            Map.entry(annDenied, "denied"),
            Map.entry(bobPending, "pending"),
            Map.entry(bobCancelled, "cancelled"));

    assertThat(
            SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), "pending"))
                .keySet())
        .containsExactlyInAnyOrder(annPending, bobPending);
    assertThat(
            SessionFixtures.statuses(fx.requests(host.sessionId(), bob.token(), "pending"))
                .keySet())
        .containsExactly(bobPending);
    assertThat(
            SessionFixtures.statuses(fx.requests(host.sessionId(), bob.token(), "approved"))
                .keySet())
        .containsExactly(annApproved);
    JsonNode denied = fx.requests(host.sessionId(), bob.token(), "denied");
    assertThat(denied).hasSize(1);
    assertThat(denied.get(0).path("reason").asText()).isEqualTo("not now");
  }

  @Test
  void an_unknown_status_filter_is_400_naming_status() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    assertBadField(
        app().get("sessions/" + host.sessionId() + "/requests?status=bogus", host.token()),
        "status");
    assertBadField(
        app().get("sessions/" + host.sessionId() + "/requests?status=PENDING", guest.token()),
        "status");
  }

  @Test
  void a_user_token_cannot_list_a_sessions_requests() {
    Host host = fx.newSession();

    assertError(
        app().get("sessions/" + host.sessionId() + "/requests", fx.userToken()), 403, "forbidden");
  }

  // --- decisions ---------------------------------------------------------------------------------

  @Test
  void approving_an_add_applies_it_at_the_requested_position_and_answers_the_approved_request() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.join(host, "Adder");
    Reply filed =
        fx.fileRequest(guest, body("action", "add", "track_id", fx.track(3).id(), "position", 1));
    String id = filed.text("request_id");
    app().clock().advance(Duration.ofSeconds(7));

    Reply reply = fx.approve(id, host.token());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.text("request_id")).isEqualTo(id);
    assertThat(reply.text("status")).isEqualTo("approved");
    assertThat(reply.json().path("decided_at").asLong()).isEqualTo(app().clock().millis());
    JsonNode playlist = fx.playlist(host);
    assertThat(playlist.path("version").asLong()).isEqualTo(3);
    assertThat(playlist.path("items")).hasSize(3);
    assertThat(playlist.at("/items/1/track/id").asText()).isEqualTo(fx.track(3).id());
    assertThat(playlist.at("/items/1/added_by").asText()).isEqualTo(guest.memberId());
    assertThat(playlist.at("/items/0/item_id").asText()).isEqualTo(ids.get(0));
    assertThat(playlist.at("/items/2/item_id").asText()).isEqualTo(ids.get(1));
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), guest.token(), null)))
        .containsOnly(Map.entry(id, "approved"));
  }

  @Test
  void approving_a_move_or_a_remove_applies_it() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 3);
    Guest guest = fx.guest(host);
    String move = fx.requestMove(guest, ids.get(2), 0);
    String remove = fx.requestRemove(guest, ids.get(1));

    assertThat(fx.approve(move, host.token()).text("status")).isEqualTo("approved");
    assertThat(fx.itemIds(host)).containsExactly(ids.get(2), ids.get(0), ids.get(1));
    assertThat(fx.approve(remove, host.token()).text("status")).isEqualTo("approved");

    JsonNode playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist)).containsExactly(ids.get(2), ids.get(0));
    assertThat(playlist.at("/items/1/position").asInt()).isEqualTo(1);
    assertThat(playlist.path("version").asLong()).isEqualTo(5);
  }

  @Test
  void denying_keeps_the_playlist_and_records_the_reason() {
    Host host = fx.newSession();
    fx.addItems(host, 1);
    Guest guest = fx.guest(host);
    String id = fx.requestAdd(guest, fx.track(1));
    JsonNode before = fx.playlist(host);

    Reply reply = fx.deny(id, host.token(), "  not this one  ");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.text("status")).isEqualTo("denied");
    assertThat(reply.text("reason")).isEqualTo("not this one");
    assertThat(fx.playlist(host)).isEqualTo(before);
    JsonNode seen = fx.requests(host.sessionId(), guest.token(), null);
    assertThat(seen.get(0).path("status").asText()).isEqualTo("denied");
    assertThat(seen.get(0).path("reason").asText()).isEqualTo("not this one");

    String plain = fx.requestAdd(guest, fx.track(2));
    Reply noReason = fx.deny(plain, host.token(), null);
    assertThat(noReason.text("status")).isEqualTo("denied");
    assertThat(noReason.json().path("reason").isMissingNode()).isTrue();
  }

  @Test
  void a_deny_reason_over_500_characters_is_400_and_decides_nothing() {
    Host host = fx.newSession();
    String id = fx.requestAdd(fx.guest(host), fx.track(0));

    assertBadField(fx.deny(id, host.token(), "r".repeat(501)), "reason");
    assertThat(SessionFixtures.statuses(requests(host))).containsOnly(Map.entry(id, "pending"));
  }

  @Test
  void a_second_decision_is_409_already_decided() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    String approved = fx.requestAdd(guest, fx.track(0));
    String denied = fx.requestAdd(guest, fx.track(1));
    assertThat(fx.approve(approved, host.token()).status()).isEqualTo(200);
    assertThat(fx.deny(denied, host.token(), null).status()).isEqualTo(200);

    assertError(fx.approve(approved, host.token()), 409, "already_decided");
    assertError(fx.deny(approved, host.token(), null), 409, "already_decided");
    assertError(fx.approve(denied, host.token()), 409, "already_decided");
    assertError(fx.deny(denied, host.token(), "again"), 409, "already_decided");

    JsonNode playlist = fx.playlist(host);
    assertThat(playlist.path("items")).hasSize(1);
    assertThat(playlist.at("/items/0/track/id").asText()).isEqualTo(fx.track(0).id());
    assertThat(playlist.path("version").asLong()).isEqualTo(1);
    assertThat(SessionFixtures.statuses(requests(host)))
        .containsOnly(Map.entry(approved, "approved"), Map.entry(denied, "denied"));
  }

  @Test
  void the_host_of_another_session_or_a_guest_cannot_decide_a_request() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    Guest other = fx.guest(host);
    String id = fx.requestAdd(guest, fx.track(0));
    Host stranger = fx.newSession();

    assertError(fx.approve(id, stranger.token()), 403, "forbidden");
    assertError(fx.deny(id, stranger.token(), null), 403, "forbidden");
    assertError(fx.approve(id, guest.token()), 403, "forbidden");
    assertError(fx.deny(id, other.token(), null), 403, "forbidden");
    assertError(fx.approve(id, fx.userToken()), 403, "forbidden");

    assertThat(SessionFixtures.statuses(requests(host))).containsOnly(Map.entry(id, "pending"));
    assertThat(fx.version(host)).isZero();
  }

  @Test
  void deciding_or_cancelling_an_unknown_request_is_404() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    for (String id : List.of(SessionFixtures.unknownId(), "not-a-request")) {
      assertError(fx.approve(id, host.token()), 404, "not_found");
      assertError(fx.deny(id, host.token(), null), 404, "not_found");
      assertError(cancel(id, guest.token()), 404, "not_found");
    }
  }

  // --- cancel ------------------------------------------------------------------------------------

  @Test
  void the_author_cancels_a_pending_request_and_nobody_else_can() {
    Host host = fx.newSession();
    Guest author = fx.guest(host);
    Guest other = fx.guest(host);
    String id = fx.requestAdd(author, fx.track(0));

    assertError(cancel(id, other.token()), 403, "forbidden");
    assertError(cancel(id, host.token()), 403, "forbidden");
    assertError(cancel(id, fx.guest(fx.newSession()).token()), 403, "forbidden");
    assertThat(SessionFixtures.statuses(requests(host))).containsOnly(Map.entry(id, "pending"));

    Reply reply = cancel(id, author.token());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.text("status")).isEqualTo("cancelled");
    assertError(cancel(id, author.token()), 409, "already_decided");
    assertError(fx.approve(id, host.token()), 409, "already_decided");
    assertThat(SessionFixtures.statuses(requests(host))).containsOnly(Map.entry(id, "cancelled"));
    assertThat(fx.version(host)).isZero();
  }

  @Test
  void a_decided_request_cannot_be_cancelled() {
    Host host = fx.newSession();
    Guest author = fx.guest(host);
    String approved = fx.requestAdd(author, fx.track(0));
    String denied = fx.requestAdd(author, fx.track(1));
    fx.approve(approved, host.token());
    fx.deny(denied, host.token(), null);

    assertError(cancel(approved, author.token()), 409, "already_decided");
    assertError(cancel(denied, author.token()), 409, "already_decided");
    assertThat(SessionFixtures.statuses(requests(host)))
        .containsOnly(Map.entry(approved, "approved"), Map.entry(denied, "denied"));
  }

  // --- expiry ------------------------------------------------------------------------------------

  @Test
  void pending_requests_on_an_item_the_host_removes_expire() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    Guest other = fx.guest(host);
    String move = fx.requestMove(guest, ids.get(0), 1);
    String remove = fx.requestRemove(other, ids.get(0));
    String unrelated = fx.requestRemove(guest, ids.get(1));

    assertThat(
            app()
                .delete("sessions/" + host.sessionId() + "/playlist/" + ids.get(0), host.token())
                .status())
        .isEqualTo(204);

    assertThat(SessionFixtures.statuses(requests(host)))
        .containsOnly(
            Map.entry(move, "expired"),
            Map.entry(remove, "expired"),
            Map.entry(unrelated, "pending"));
    assertThat(
            SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), "expired"))
                .keySet())
        .containsExactlyInAnyOrder(move, remove);
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), other.token(), null)))
        .as("expired requests count as decided: everyone sees them")
        .containsOnly(Map.entry(move, "expired"), Map.entry(remove, "expired"));
    assertError(fx.approve(move, host.token()), 409, "already_decided");
    assertThat(fx.itemIds(host)).containsExactly(ids.get(1));
  }

  @Test
  void approving_a_removal_expires_the_other_pending_requests_on_that_item() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    String remove = fx.requestRemove(guest, ids.get(1));
    String move = fx.requestMove(guest, ids.get(1), 0);

    assertThat(fx.approve(remove, host.token()).text("status")).isEqualTo("approved");

    assertThat(SessionFixtures.statuses(requests(host)))
        .containsOnly(Map.entry(remove, "approved"), Map.entry(move, "expired"));
    assertThat(fx.itemIds(host)).containsExactly(ids.get(0));
  }

  // --- rate limits -------------------------------------------------------------------------------

  @Test
  void
      a_guest_beyond_the_request_burst_gets_429_with_retry_after_on_every_route_until_time_refills() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    String playlist = "sessions/" + host.sessionId() + "/playlist";
    // the rate limit alone: the pending-request quota (3 by default) would refuse the 4th first
    fx.settings(
        Map.of(
            "guest_request_burst", 3,
            "guest_requests_per_minute", 5,
            "max_pending_requests_per_guest", 10));
    try {
      assertThat(
              fx.fileRequest(guest, body("action", "add", "track_id", fx.track(0).id())).status())
          .isEqualTo(201);
      assertThat(app().post(playlist, body("track_id", fx.track(1).id()), guest.token()).status())
          .isEqualTo(202);
      assertThat(
              app().patch(playlist + "/" + ids.get(0), body("position", 1), guest.token()).status())
          .isEqualTo(202);

      Reply refused = app().delete(playlist + "/" + ids.get(1), guest.token());
      assertError(refused, 429, "rate_limited");
      // 5 a minute: the next token comes 12 s later
      assertThat(refused.header("Retry-After")).isEqualTo("12");
      assertError(
          fx.fileRequest(guest, body("action", "remove", "item_id", ids.get(1))),
          429,
          "rate_limited");
      assertError(
          app().post(playlist, body("track_id", fx.track(1).id()), guest.token()),
          429,
          "rate_limited");
      assertError(
          app().patch(playlist + "/" + ids.get(0), body("position", 1), guest.token()),
          429,
          "rate_limited");
      assertThat(requests(host)).hasSize(3);
      Guest neighbour = fx.guest(host);
      assertThat(
              fx.fileRequest(neighbour, body("action", "remove", "item_id", ids.get(1))).status())
          .as("the limit is per guest")
          .isEqualTo(201);

      app().clock().advance(Duration.ofSeconds(12));
      assertThat(app().delete(playlist + "/" + ids.get(1), guest.token()).status()).isEqualTo(202);
      assertError(app().delete(playlist + "/" + ids.get(1), guest.token()), 429, "rate_limited");

      app().clock().advance(Duration.ofMinutes(1));
      for (int i = 0; i < 3; i++) {
        assertThat(
                fx.fileRequest(guest, body("action", "add", "track_id", fx.track(i).id())).status())
            .isEqualTo(201);
      }
      assertError(
          fx.fileRequest(guest, body("action", "add", "track_id", fx.track(3).id())),
          429,
          "rate_limited");
      assertThat(requests(host)).hasSize(8);
      assertThat(fx.itemIds(host)).isEqualTo(ids);
    } finally {
      fx.relax();
      fx.settings(Map.of("max_pending_requests_per_guest", 3));
    }
  }

  @Test
  void bad_input_spends_no_request_budget() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest guest = fx.guest(host);
    String playlist = "sessions/" + host.sessionId() + "/playlist";
    app().clock().advance(Duration.ofMinutes(1));
    fx.settings(Map.of("guest_request_burst", 2, "guest_requests_per_minute", 2));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(fx.fileRequest(guest, body("action", "add")).status()).isEqualTo(400);
        assertThat(
                fx.fileRequest(
                        guest, body("action", "add", "track_id", SessionFixtures.unknownId()))
                    .status())
            .isEqualTo(404);
        assertThat(app().post(playlist, body("position", 0), guest.token()).status())
            .isEqualTo(400);
        assertThat(app().patch(playlist + "/" + item, body("position", 5), guest.token()).status())
            .isEqualTo(400);
        assertThat(
                app().delete(playlist + "/" + SessionFixtures.unknownId(), guest.token()).status())
            .isEqualTo(404);
      }

      assertThat(fx.fileRequest(guest, body("action", "remove", "item_id", item)).status())
          .isEqualTo(201);
      assertThat(app().post(playlist, body("track_id", fx.track(1).id()), guest.token()).status())
          .isEqualTo(202);
      assertError(
          fx.fileRequest(guest, body("action", "remove", "item_id", item)), 429, "rate_limited");
    } finally {
      fx.relax();
    }
  }

  @Test
  void the_per_session_limit_holds_across_guests() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Guest ann = fx.guest(host);
    Guest bob = fx.guest(host);
    Guest cy = fx.guest(host);
    fx.settings(
        Map.of(
            "guest_request_burst",
            3,
            "guest_requests_per_minute",
            60,
            "session_requests_per_minute",
            4));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(fx.fileRequest(ann, body("action", "remove", "item_id", item)).status())
            .isEqualTo(201);
      }
      assertThat(fx.fileRequest(bob, body("action", "remove", "item_id", item)).status())
          .isEqualTo(201);

      Reply refused = fx.fileRequest(bob, body("action", "remove", "item_id", item));
      assertError(refused, 429, "rate_limited");
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      assertError(
          fx.fileRequest(cy, body("action", "remove", "item_id", item)), 429, "rate_limited");
      assertThat(requests(host)).hasSize(4);
      Host elsewhere = fx.newSession();
      assertThat(
              fx.fileRequest(
                      fx.guest(elsewhere), body("action", "add", "track_id", fx.track(0).id()))
                  .status())
          .as("another session has a budget of its own")
          .isEqualTo(201);

      app().clock().advance(Duration.ofMinutes(1));
      assertThat(fx.fileRequest(cy, body("action", "remove", "item_id", item)).status())
          .isEqualTo(201);
    } finally {
      fx.relax();
    }
  }

  // --- concurrency -------------------------------------------------------------------------------

  @Test
  void two_simultaneous_approvals_of_one_request_get_one_200_and_one_409() throws Exception {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        Track track = fx.track(round % fx.tracks().size());
        String id = fx.requestAdd(guest, track);
        long version = fx.version(host);
        int size = fx.itemIds(host).size();
        CountDownLatch start = new CountDownLatch(1);
        Callable<Reply> approve =
            () -> {
              start.await();
              return fx.approve(id, host.token());
            };
        List<Future<Reply>> replies = List.of(pool.submit(approve), pool.submit(approve));
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Reply> f : replies) {
          Reply reply = f.get(30, TimeUnit.SECONDS);
          statuses.add(reply.status());
          if (reply.status() == 409) {
            assertThat(reply.errorCode()).isEqualTo("already_decided");
          }
        }

        assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 409);
        JsonNode playlist = fx.playlist(host);
        assertThat(playlist.path("items")).as("round %d", round).hasSize(size + 1);
        assertThat(playlist.path("version").asLong()).as("round %d", round).isEqualTo(version + 1);
        assertThat(playlist.at("/items/" + size + "/track/id").asText()).isEqualTo(track.id());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
