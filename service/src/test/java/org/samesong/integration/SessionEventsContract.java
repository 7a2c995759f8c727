package org.samesong.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.SseClient;
import org.samesong.testing.SseClient.Event;
import org.samesong.testing.TestServer;

/**
 * The session's broadcasts as Server-Sent Events ({@code GET /api/sessions/{id}/events}), read by a
 * real SSE client over HTTP: a {@code playback_state} within a second of the command, a resume with
 * {@code Last-Event-ID} that misses nothing, a {@code state} snapshot when the number is too old,
 * integration tokens that read and nothing else and stop when revoked, and the end of the session.
 * Run on H2 by {@link SessionEventsIT} and on PostgreSQL by {@link SessionEventsPostgresIT}.
 */
abstract class SessionEventsContract {
  private static final Duration WAIT = Duration.ofSeconds(10);

  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;

  @BeforeEach
  void session() {
    fx = SessionFixtures.of(app());
    host = fx.newSession();
    fx.addItems(host, 2);
  }

  private SseClient open(String token, String lastEventId) {
    return SseClient.open(events(host.sessionId()), token, lastEventId);
  }

  private URI events(String sessionId) {
    return URI.create(
        "http://localhost:" + app().getLocalPort() + "/api/sessions/" + sessionId + "/events");
  }

  @Test
  void a_member_gets_playback_state_within_a_second_of_the_command() {
    Guest guest = fx.guest(host);
    try (SseClient sse = open(guest.token(), null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.header("X-Accel-Buffering")).isEqualTo("no");
      Event state = sse.next(WAIT);
      assertThat(state.event()).isEqualTo("state");
      assertThat(state.json().path("playlist").path("items").size()).isEqualTo(2);

      long sent = System.nanoTime();
      Reply play = fx.command(host, "play");
      Event playing =
          sse.until(e -> e.event().equals("playback_state"), Duration.ofSeconds(1)).get(0);
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(tookMs).as("from the command to the event").isLessThan(1_000);
      assertThat(playing.json().path("state").asText()).isEqualTo("playing");
      assertThat(playing.json().path("item_id").asText())
          .isEqualTo(play.json().path("item_id").asText());
      assertThat(playing.seq()).isEqualTo(playing.json().path("seq").asLong());
    }
  }

  @Test
  void last_event_id_resumes_without_a_gap() {
    long resumeAfter;
    try (SseClient sse = open(host.token(), null)) {
      assertThat(sse.next(WAIT).event()).isEqualTo("state");
      fx.command(host, "play");
      resumeAfter = sse.until(e -> e.event().equals("playback_state"), WAIT).get(0).seq();
    }
    // while it was away: a pause, a guest's request, a seek (every one of them the host's to see)
    fx.command(host, "pause");
    Guest guest = fx.guest(host);
    fx.requestAdd(guest, fx.track(0));
    fx.command(host, "seek", 5_000);
    try (SseClient sse = open(host.token(), Long.toString(resumeAfter))) {
      List<Event> got =
          sse.until(
              e ->
                  e.event().equals("playback_state")
                      && e.json().path("position_ms").asLong() == 5_000,
              WAIT);
      assertThat(got.get(0).event()).as("no snapshot: it resumed").isNotEqualTo("state");
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).seq()).as("event %d of %s", i, got).isEqualTo(resumeAfter + 1 + i);
      }
      assertThat(got).extracting(Event::event).contains("request_update", "playback_state");
      assertThat(got.stream().filter(e -> e.event().equals("playback_state")))
          .extracting(e -> e.json().path("state").asText())
          .containsExactly("paused", "paused");
    }
  }

  @Test
  void a_number_too_old_or_unknown_starts_with_a_state_snapshot() {
    try (SseClient first = open(host.token(), null)) {
      Event state = first.next(WAIT);
      assertThat(state.event()).isEqualTo("state");
      long seq = state.seq();
      // what came before this server started keeping the session's broadcasts: a snapshot
      try (SseClient old = open(host.token(), "0")) {
        Event again = old.next(WAIT);
        assertThat(again.event()).isEqualTo("state");
        assertThat(again.seq()).isGreaterThanOrEqualTo(seq);
        assertThat(again.json().path("playback_state").has("state")).isTrue();
        assertThat(again.json().path("session").path("id").asText()).isEqualTo(host.sessionId());
      }
      // a number from the future (another server's, a typo) too
      try (SseClient ahead = open(host.token(), Long.toString(seq + 1_000))) {
        assertThat(ahead.next(WAIT).event()).isEqualTo("state");
      }
    }
  }

  @Test
  void a_cohost_hears_what_the_host_hears_until_the_right_is_taken() {
    Guest co = fx.guest(host);
    Guest other = fx.guest(host);
    String memberPath = "sessions/" + host.sessionId() + "/members/" + co.memberId();
    assertThat(app().patch(memberPath, Map.of("role", "cohost"), host.token()).status())
        .isEqualTo(200);
    try (SseClient sse = open(co.token(), null)) {
      Event state = sse.next(WAIT);
      assertThat(state.event()).isEqualTo("state");
      assertThat(state.json().path("session").path("code").asText()).isNotBlank();
      fx.requestAdd(other, fx.track(0));
      assertThat(sse.until(e -> e.event().equals("request_update"), WAIT)).isNotEmpty();

      assertThat(app().patch(memberPath, Map.of("role", "guest"), host.token()).status())
          .isEqualTo(200);
      fx.requestAdd(other, fx.track(1));
      fx.command(host, "play");
      List<Event> after = sse.until(e -> e.event().equals("playback_state"), WAIT);
      assertThat(after).extracting(Event::event).doesNotContain("request_update");
    }
  }

  @Test
  void an_integration_token_reads_the_stream_and_stops_when_revoked() {
    Reply made =
        app()
            .post(
                "sessions/" + host.sessionId() + "/integration-tokens",
                Map.of("name", "OBS overlay"),
                host.token());
    assertThat(made.status()).as("%s", made).isEqualTo(201);
    String token = made.text("token");
    assertThat(token).startsWith("ssi_");
    // read-only: nothing else accepts it
    assertThat(app().get("sessions/" + host.sessionId(), token).status()).isEqualTo(403);
    assertThat(
            app()
                .post("sessions/" + host.sessionId() + "/playback", Map.of("action", "play"), token)
                .status())
        .isEqualTo(403);
    assertThat(SseClient.open(events(fx.newSession().sessionId()), token, null).status())
        .isEqualTo(403);

    try (SseClient sse = open(token, null)) {
      assertThat(sse.status()).isEqualTo(200);
      Event state = sse.next(WAIT);
      assertThat(state.event()).isEqualTo("state");
      assertThat(state.json().path("session").path("id").asText()).isEqualTo(host.sessionId());
      assertThat(state.json().path("session").has("code"))
          .as("the invite code is the host's")
          .isFalse();
      fx.command(host, "play");
      assertThat(sse.until(e -> e.event().equals("playback_state"), WAIT)).isNotEmpty();
      JsonListing listed = listing();
      assertThat(listed.names()).contains("OBS overlay");
      assertThat(listed.body()).doesNotContain(token);

      Reply revoked =
          app()
              .delete(
                  "sessions/" + host.sessionId() + "/integration-tokens/" + made.text("id"),
                  host.token());
      assertThat(revoked.status()).isEqualTo(204);
      assertThat(sse.endsWithin(WAIT)).as("the stream closed on revocation").isTrue();
    }
    assertThat(open(token, null).status()).isEqualTo(401);
    assertThat(
            app()
                .delete(
                    "sessions/" + host.sessionId() + "/integration-tokens/" + made.text("id"),
                    host.token())
                .status())
        .isEqualTo(404);
  }

  @Test
  void bad_input_is_refused_and_changes_nothing() {
    String path = "sessions/" + host.sessionId() + "/integration-tokens";
    Reply empty = app().post(path, Map.of("name", " "), host.token());
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().at("/error/field").asText()).isEqualTo("name");
    assertThat(app().post(path, Map.of("name", "x".repeat(81)), host.token()).status())
        .isEqualTo(400);
    Guest guest = fx.guest(host);
    assertThat(app().post(path, Map.of("name", "mine"), guest.token()).status()).isEqualTo(403);
    assertThat(listing().names()).isEmpty();
    SseClient bad = open(host.token(), "not-a-number");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorBody()).contains("Last-Event-ID");
    assertThat(open("ssi_forged", null).status()).isEqualTo(401);
  }

  @Test
  void the_stream_ends_with_the_session_and_an_ended_session_has_none() {
    try (SseClient sse = open(host.token(), null)) {
      assertThat(sse.next(WAIT).event()).isEqualTo("state");
      assertThat(app().delete("sessions/" + host.sessionId(), host.token()).status())
          .isEqualTo(204);
      assertThat(sse.until(e -> e.event().equals("session_ended"), WAIT)).isNotEmpty();
      assertThat(sse.endsWithin(WAIT)).isTrue();
    }
    assertThat(open(host.token(), null).status()).isEqualTo(204);
  }

  @Test
  void gzip_asked_for_does_not_hold_events_back() {
    try (SseClient sse =
        SseClient.open(events(host.sessionId()), host.token(), null, "Accept-Encoding", "gzip")) {
      assertThat(sse.header("Content-Encoding")).isNull();
      assertThat(sse.next(WAIT).event()).isEqualTo("state");
      fx.command(host, "play");
      assertThat(sse.until(e -> e.event().equals("playback_state"), Duration.ofSeconds(1)))
          .isNotEmpty();
    }
  }

  private record JsonListing(String body, List<String> names) {}

  private JsonListing listing() {
    Reply r = app().get("sessions/" + host.sessionId() + "/integration-tokens", host.token());
    assertThat(r.status()).isEqualTo(200);
    List<String> names = new java.util.ArrayList<>();
    r.json().path("tokens").forEach(t -> names.add(t.path("name").asText()));
    return new JsonListing(r.body(), names);
  }
}
