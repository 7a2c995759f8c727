package org.samesong.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Entity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.session.SessionFixtures.Track;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * {@code POST /api/sessions/{id}/playback} and the playback state the session view shows, timed by
 * the server's {@link org.samesong.testing.MutableClock}: positions are exact because the tests
 * move time instead of sleeping. Run on H2 by {@link PlaybackResourceIT} and on PostgreSQL by
 * {@link PlaybackResourcePostgresIT}.
 */
abstract class PlaybackResourceContract {
  private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  abstract TestServer app();

  SessionFixtures fx;

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(app());
  }

  private void advance(long millis) {
    app().clock().advance(Duration.ofMillis(millis));
  }

  private long now() {
    return app().clock().millis();
  }

  private static long updatedAt(JsonNode state) {
    return Instant.parse(state.path("updated_at").asText()).toEpochMilli();
  }

  /** Where a state says playback is at {@code now}: {@code position_ms + (now - updated_at)}. */
  private static long positionAt(JsonNode state, long now) {
    long position = state.path("position_ms").asLong();
    return "playing".equals(state.path("state").asText())
        ? position + (now - updatedAt(state))
        : position;
  }

  private JsonNode ok(Reply reply) {
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    return reply.json();
  }

  /** A session whose playlist holds the first {@code n} catalog tracks, and their item ids. */
  private record Stocked(Host host, List<String> items) {}

  private Stocked sessionWith(int n) {
    Host host = fx.newSession();
    return new Stocked(host, fx.addItems(host, n));
  }

  // --- play ------------------------------------------------------------------------------------

  @Test
  void play_on_an_empty_playlist_is_409_playlist_empty_and_changes_nothing() {
    Host host = fx.newSession();
    JsonNode before = fx.playback(host);

    assertError(fx.command(host, "play"), 409, "playlist_empty");
    assertError(fx.command(host, "skip_next"), 409, "playlist_empty");

    assertThat(fx.playback(host)).isEqualTo(before);
    assertThat(before.path("state").asText()).isEqualTo("paused");
  }

  @Test
  void play_starts_the_first_item_at_zero_now() {
    Stocked stocked = sessionWith(2);
    Host host = stocked.host();
    List<String> items = stocked.items();
    Track first = fx.track(0);

    JsonNode state = ok(fx.command(host, "play"));

    assertThat(state.path("state").asText()).isEqualTo("playing");
    assertThat(state.path("item_id").asText()).isEqualTo(items.get(0));
    assertThat(state.path("track_id").asText()).isEqualTo(first.id());
    assertThat(state.path("position_ms").asLong()).isZero();
    assertThat(state.path("updated_at").asText()).matches(ISO_MILLIS);
    assertThat(updatedAt(state)).isEqualTo(now());
    assertThat(state.path("duration_ms").asLong()).isEqualTo(first.durationMs());
    assertThat(fx.playback(host)).isEqualTo(state);
  }

  @Test
  void the_session_view_shows_playback_state_with_updated_at_in_iso_8601_with_milliseconds() {
    Host host = sessionWith(1).host();
    advance(123);
    ok(fx.command(host, "play"));
    Guest guest = fx.guest(host);

    JsonNode state = fx.session(host.sessionId(), guest.token()).path("playback_state");

    assertThat(state.path("updated_at").asText()).matches(ISO_MILLIS);
    assertThat(Instant.parse(state.path("updated_at").asText())).isEqualTo(app().clock().instant());
    assertThat(state.path("state").asText()).isEqualTo("playing");
  }

  // --- pause -----------------------------------------------------------------------------------

  @Test
  void pause_freezes_the_position_where_playback_is() {
    Host host = sessionWith(1).host();
    ok(fx.command(host, "play"));
    advance(5_000);

    JsonNode paused = ok(fx.command(host, "pause"));

    assertThat(paused.path("state").asText()).isEqualTo("paused");
    assertThat(paused.path("position_ms").asLong()).isEqualTo(5_000);
    advance(10_000);
    JsonNode later = fx.playback(host);
    assertThat(later.path("state").asText()).isEqualTo("paused");
    assertThat(later.path("position_ms").asLong()).isEqualTo(5_000);

    JsonNode resumed = ok(fx.command(host, "play"));
    assertThat(resumed.path("position_ms").asLong())
        .as("play resumes where it paused")
        .isEqualTo(5_000);
    advance(1_500);
    assertThat(positionAt(fx.playback(host), now())).isEqualTo(6_500);
  }

  // --- seek ------------------------------------------------------------------------------------

  @Test
  void seek_moves_the_position_and_keeps_playing_or_paused() {
    Host host = sessionWith(1).host();
    ok(fx.command(host, "play"));
    advance(2_000);

    JsonNode playing = ok(fx.command(host, "seek", 10_000));

    assertThat(playing.path("state").asText()).isEqualTo("playing");
    assertThat(playing.path("position_ms").asLong()).isEqualTo(10_000);
    assertThat(updatedAt(playing)).isEqualTo(now());
    ok(fx.command(host, "pause"));
    JsonNode paused = ok(fx.command(host, "seek", 3_000));
    assertThat(paused.path("state").asText()).isEqualTo("paused");
    assertThat(paused.path("position_ms").asLong()).isEqualTo(3_000);
  }

  @Test
  void seek_without_position_ms_or_past_the_track_is_400_and_keeps_the_state() {
    Host host = sessionWith(1).host();
    long duration = fx.track(0).durationMs();
    ok(fx.command(host, "play"));
    advance(1_000);
    JsonNode before = fx.playback(host);

    assertBadField(fx.command(host, "seek"), "position_ms");
    assertBadField(fx.command(host, "seek", duration), "position_ms");
    assertBadField(fx.command(host, "seek", duration + 60_000), "position_ms");
    assertBadField(fx.command(host, "seek", -1), "position_ms");
    assertBadField(
        app()
            .post(
                "sessions/" + host.sessionId() + "/playback",
                "{\"action\": \"seek\", \"position_ms\": \"soon\"}",
                host.token()),
        "position_ms");

    assertThat(fx.playback(host)).isEqualTo(before);
    assertThat(ok(fx.command(host, "seek", duration - 1)).path("position_ms").asLong())
        .isEqualTo(duration - 1);
  }

  // --- skip ------------------------------------------------------------------------------------

  @Test
  void skip_next_goes_to_the_next_item_and_from_the_last_pauses_at_its_end() {
    Stocked stocked = sessionWith(2);
    Host host = stocked.host();
    List<String> items = stocked.items();
    ok(fx.command(host, "play"));
    advance(4_000);

    JsonNode next = ok(fx.command(host, "skip_next"));

    assertThat(next.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(next.path("position_ms").asLong()).isZero();
    assertThat(next.path("state").asText()).isEqualTo("playing");

    JsonNode end = ok(fx.command(host, "skip_next"));

    assertThat(end.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(end.path("state").asText()).isEqualTo("paused");
    assertThat(end.path("position_ms").asLong()).isEqualTo(fx.track(1).durationMs());
  }

  @Test
  void skip_prev_more_than_3_s_in_restarts_the_track_else_goes_to_the_previous_item() {
    Stocked stocked = sessionWith(2);
    Host host = stocked.host();
    List<String> items = stocked.items();
    ok(fx.command(host, "play"));
    ok(fx.command(host, "skip_next"));
    advance(3_500);

    JsonNode restarted = ok(fx.command(host, "skip_prev"));

    assertThat(restarted.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(restarted.path("position_ms").asLong()).isZero();
    assertThat(restarted.path("state").asText()).isEqualTo("playing");
    advance(2_000);

    JsonNode previous = ok(fx.command(host, "skip_prev"));

    assertThat(previous.path("item_id").asText()).isEqualTo(items.get(0));
    assertThat(previous.path("position_ms").asLong()).isZero();
    assertThat(previous.path("state").asText()).isEqualTo("playing");

    JsonNode first = ok(fx.command(host, "skip_prev"));
    assertThat(first.path("item_id").asText())
        .as("before the first item there is none")
        .isEqualTo(items.get(0));
    assertThat(first.path("position_ms").asLong()).isZero();
  }

  // --- refusals --------------------------------------------------------------------------------

  @Test
  void an_unknown_or_missing_action_is_400_naming_action() {
    Host host = sessionWith(1).host();
    String path = "sessions/" + host.sessionId() + "/playback";
    JsonNode before = fx.playback(host);

    assertBadField(fx.command(host, "rewind"), "action");
    assertBadField(fx.command(host, "PLAY"), "action");
    assertBadField(app().post(path, "{}", host.token()), "action");
    assertBadField(app().post(path, "{\"action\": [\"play\"]}", host.token()), "action");
    assertThat(Reply.of(app().request(path, host.token()).post(Entity.json(""))).status())
        .isEqualTo(400);

    assertThat(fx.playback(host)).isEqualTo(before);
  }

  @Test
  void only_the_host_of_the_session_commands_playback() {
    Host host = sessionWith(1).host();
    Guest guest = fx.guest(host);
    Host other = fx.newSession();
    String path = "sessions/" + host.sessionId() + "/playback";
    Map<String, Object> play = Map.of("action", "play");

    assertError(app().post(path, play, guest.token()), 403, "forbidden");
    assertError(app().post(path, play, other.token()), 403, "forbidden");
    assertError(app().post(path, play, fx.userToken()), 403, "forbidden");
    assertError(app().post(path, play, null), 401, "unauthorized");

    assertThat(fx.playback(host).path("state").asText()).isEqualTo("paused");
  }

  // --- the server-owned clock ------------------------------------------------------------------

  @Test
  void at_a_track_end_the_server_moves_to_the_next_item_and_after_the_last_pauses_at_its_end() {
    Stocked stocked = sessionWith(2);
    Host host = stocked.host();
    List<String> items = stocked.items();
    long first = fx.track(0).durationMs();
    long second = fx.track(1).durationMs();
    JsonNode started = ok(fx.command(host, "play"));
    long t0 = updatedAt(started);

    advance(first + 1_234);
    JsonNode next = fx.playback(host);

    assertThat(next.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(next.path("track_id").asText()).isEqualTo(fx.track(1).id());
    assertThat(next.path("state").asText()).isEqualTo("playing");
    assertThat(positionAt(next, now())).isEqualTo(1_234);
    assertThat(updatedAt(next) - next.path("position_ms").asLong())
        .as("the second item started exactly when the first ended")
        .isEqualTo(t0 + first);
    assertThat(next.path("duration_ms").asLong()).isEqualTo(second);

    advance(second);
    JsonNode end = fx.playback(host);

    assertThat(end.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(end.path("state").asText()).isEqualTo("paused");
    assertThat(end.path("position_ms").asLong()).isEqualTo(second);
    assertThat(updatedAt(end)).isEqualTo(t0 + first + second);
    advance(60_000);
    assertThat(fx.playback(host)).isEqualTo(end);

    JsonNode again = ok(fx.command(host, "play"));
    assertThat(again.path("item_id").asText()).isEqualTo(items.get(1));
    assertThat(again.path("position_ms").asLong())
        .as("play at the end starts the track over")
        .isZero();
  }

  @Test
  void a_long_absence_settles_over_several_track_ends_at_once() {
    Stocked stocked = sessionWith(3);
    Host host = stocked.host();
    List<String> items = stocked.items();
    long a = fx.track(0).durationMs();
    long b = fx.track(1).durationMs();
    ok(fx.command(host, "play"));

    advance(a + b + 500);
    JsonNode third = fx.playback(host);

    assertThat(third.path("item_id").asText()).isEqualTo(items.get(2));
    assertThat(positionAt(third, now())).isEqualTo(500);
  }

  // --- storing -----------------------------------------------------------------------------------

  private static Optional<PlaybackState> stored(Jdbi jdbi, String sessionId) {
    return jdbi.withExtension(PlaybackDao.class, dao -> dao.find(sessionId));
  }

  @Test
  void one_flush_stores_each_sessions_newest_state_inserts_a_first_one_and_never_goes_back() {
    Jdbi jdbi = app().database().jdbi();
    Host fresh = fx.newSession();
    Host plain = fx.newSession();
    Host newer = fx.newSession();
    long t = now() + 60_000;
    jdbi.useHandle(
        h -> {
          h.execute("DELETE FROM playback_state WHERE session_id = ?", fresh.sessionId());
          for (Host host : List.of(plain, newer)) {
            if (stored(jdbi, host.sessionId()).isEmpty()) {
              h.attach(PlaybackDao.class).insert(host.sessionId(), PlaybackState.idle(t - 1_000));
            }
          }
        });
    // another instance stored a newer state of this session meanwhile
    jdbi.useHandle(
        h ->
            h.attach(PlaybackDao.class)
                .update(newer.sessionId(), new PlaybackState(null, null, 9_999, "paused", t + 5)));
    PlaybackStoreService store = new PlaybackStoreService(jdbi);
    store.store(fresh.sessionId(), new PlaybackState(null, null, 1_000, "paused", t));
    store.store(plain.sessionId(), new PlaybackState(null, null, 2_000, "paused", t));
    store.store(plain.sessionId(), new PlaybackState(null, null, 1_500, "paused", t - 1));
    store.store(newer.sessionId(), new PlaybackState(null, null, 3_000, "paused", t));

    store.flush();

    assertThat(stored(jdbi, fresh.sessionId()).orElseThrow().positionMs()).isEqualTo(1_000);
    // the newer of the two queued states, not the last queued
    assertThat(stored(jdbi, plain.sessionId()).orElseThrow().positionMs()).isEqualTo(2_000);
    assertThat(stored(jdbi, newer.sessionId()).orElseThrow().positionMs()).isEqualTo(9_999);
    // nothing is left waiting: a second flush changes nothing
    store.flush();
    assertThat(stored(jdbi, newer.sessionId()).orElseThrow().updatedAt()).isEqualTo(t + 5);
  }
}
