package org.samesong.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Entity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.session.SessionFixtures.Track;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * {@code /api/sessions/{id}/playlist} over HTTP: the host edits directly (201, 200, 204; the
 * version grows by one per change, positions stay contiguous), a guest's edit becomes a pending
 * request (202) and leaves the playlist as it was, bad input is refused and changes nothing, and
 * concurrent host edits lose nothing. Run on H2 by {@link PlaylistResourceIT} and on PostgreSQL by
 * {@link PlaylistResourcePostgresIT}.
 */
abstract class PlaylistResourceContract {
  abstract TestServer app();

  SessionFixtures fx;

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(app());
  }

  private static String path(Host host) {
    return "sessions/" + host.sessionId() + "/playlist";
  }

  private Reply add(Host host, Object body, String token) {
    return app().post(path(host), body, token);
  }

  private Reply move(Host host, String itemId, Object body, String token) {
    return app().patch(path(host) + "/" + itemId, body, token);
  }

  private Reply remove(Host host, String itemId, String token) {
    return app().delete(path(host) + "/" + itemId, token);
  }

  /** Positions are exactly 0..n-1 in order. */
  private static void assertContiguous(JsonNode playlist) {
    List<Integer> positions = new ArrayList<>();
    playlist.path("items").forEach(i -> positions.add(i.path("position").asInt()));
    assertThat(positions)
        .as("positions of %s", playlist)
        .isEqualTo(IntStream.range(0, positions.size()).boxed().toList());
  }

  // --- host edits --------------------------------------------------------------------------------

  @Test
  void the_host_appends_tracks_with_201_and_each_add_grows_the_version_by_one() {
    Host host = fx.newSession();
    Track first = fx.track(0);
    Track second = fx.track(1);
    assertThat(fx.version(host)).isZero();

    Reply reply = add(host, Map.of("track_id", first.id()), host.token());

    assertThat(reply.status()).isEqualTo(201);
    assertThat(fieldNames(reply.json()))
        .contains("item_id", "position", "track", "added_by", "added_at");
    assertThat(reply.json().path("position").asInt()).isZero();
    assertThat(reply.json().at("/track/id").asText()).isEqualTo(first.id());
    assertThat(reply.json().at("/track/duration_ms").asLong()).isEqualTo(first.durationMs());
    assertThat(reply.json().path("added_by").asText()).isEqualTo(host.memberId());
    assertThat(reply.json().path("added_at").asLong()).isEqualTo(app().clock().millis());
    assertThat(fx.version(host)).isEqualTo(1);

    Reply again = add(host, Map.of("track_id", second.id()), host.token());

    assertThat(again.json().path("position").asInt()).isEqualTo(1);
    JsonNode playlist = fx.playlist(host);
    assertThat(playlist.path("version").asLong()).isEqualTo(2);
    assertThat(SessionFixtures.itemIds(playlist))
        .containsExactly(reply.text("item_id"), again.text("item_id"));
    assertThat(playlist.at("/items/1/track/id").asText()).isEqualTo(second.id());
    assertContiguous(playlist);
  }

  @Test
  void the_host_inserts_a_track_at_a_position() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);

    Reply middle = add(host, Map.of("track_id", fx.track(2).id(), "position", 1), host.token());
    Reply front = add(host, Map.of("track_id", fx.track(3).id(), "position", 0), host.token());
    Reply end = add(host, Map.of("track_id", fx.track(0).id(), "position", 4), host.token());

    assertThat(middle.status()).isEqualTo(201);
    assertThat(middle.json().path("position").asInt()).isEqualTo(1);
    assertThat(front.json().path("position").asInt()).isZero();
    assertThat(end.json().path("position").asInt()).isEqualTo(4);
    JsonNode playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist))
        .containsExactly(
            front.text("item_id"),
            ids.get(0),
            middle.text("item_id"),
            ids.get(1),
            end.text("item_id"));
    assertThat(playlist.path("version").asLong()).isEqualTo(5);
    assertContiguous(playlist);
  }

  @Test
  void the_host_moves_an_item_with_200_and_positions_stay_contiguous() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 4);

    Reply down = move(host, ids.get(0), Map.of("position", 2), host.token());

    assertThat(down.status()).isEqualTo(200);
    assertThat(down.text("item_id")).isEqualTo(ids.get(0));
    assertThat(down.json().path("position").asInt()).isEqualTo(2);
    JsonNode playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist))
        .containsExactly(ids.get(1), ids.get(2), ids.get(0), ids.get(3));
    assertThat(playlist.path("version").asLong()).isEqualTo(5);
    assertContiguous(playlist);

    Reply up = move(host, ids.get(3), Map.of("position", 0), host.token());

    assertThat(up.json().path("position").asInt()).isZero();
    playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist))
        .containsExactly(ids.get(3), ids.get(1), ids.get(2), ids.get(0));
    assertThat(playlist.path("version").asLong()).isEqualTo(6);
    assertContiguous(playlist);
  }

  @Test
  void the_host_removes_an_item_with_204_and_the_rest_close_up() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 3);

    Reply reply = remove(host, ids.get(1), host.token());

    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.body()).isEmpty();
    JsonNode playlist = fx.playlist(host);
    assertThat(SessionFixtures.itemIds(playlist)).containsExactly(ids.get(0), ids.get(2));
    assertThat(playlist.path("version").asLong()).isEqualTo(4);
    assertContiguous(playlist);
    assertError(remove(host, ids.get(1), host.token()), 404, "not_found");
    assertThat(fx.version(host)).isEqualTo(4);
  }

  @Test
  void a_guest_reads_the_playlist() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);

    Reply reply = app().get(path(host), guest.token());

    assertThat(reply.status()).isEqualTo(200);
    // the same playlist as the host's, but every stream URL is the guest's own
    assertThat(withoutStreamUrls(reply.json())).isEqualTo(withoutStreamUrls(fx.playlist(host)));
    assertThat(reply.json().findValuesAsText("stream_url"))
        .hasSize(2)
        .allMatch(u -> u.contains("&m=" + guest.memberId() + "&"));
    assertThat(SessionFixtures.itemIds(reply.json())).isEqualTo(ids);
  }

  private static JsonNode withoutStreamUrls(JsonNode playlist) {
    JsonNode copy = playlist.deepCopy();
    copy.path("items")
        .forEach(
            i ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) i.path("track"))
                    .remove("stream_url"));
    return copy;
  }

  // --- guest proposals ---------------------------------------------------------------------------

  @Test
  void a_guests_add_move_and_remove_become_pending_requests_with_202_and_change_nothing() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    JsonNode before = fx.playlist(host);

    Reply added = add(host, Map.of("track_id", fx.track(2).id(), "position", 0), guest.token());
    Reply moved = move(host, ids.get(1), Map.of("position", 0), guest.token());
    Reply removed = remove(host, ids.get(0), guest.token());

    for (Reply reply : List.of(added, moved, removed)) {
      assertThat(reply.status()).as("%s", reply).isEqualTo(202);
      assertThat(reply.text("status")).isEqualTo("pending");
      assertThat(reply.text("request_id")).isNotBlank();
      assertThat(reply.text("requested_by")).isEqualTo(guest.memberId());
    }
    assertThat(added.text("action")).isEqualTo("add");
    assertThat(added.json().at("/payload/track_id").asText()).isEqualTo(fx.track(2).id());
    assertThat(moved.text("action")).isEqualTo("move");
    assertThat(moved.json().at("/payload/item_id").asText()).isEqualTo(ids.get(1));
    assertThat(moved.json().at("/payload/position").asInt()).isZero();
    assertThat(removed.text("action")).isEqualTo("remove");
    assertThat(removed.json().at("/payload/item_id").asText()).isEqualTo(ids.get(0));

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), "pending")))
        .containsOnlyKeys(
            added.text("request_id"), moved.text("request_id"), removed.text("request_id"));
  }

  // --- refusals ----------------------------------------------------------------------------------

  @Test
  void adding_an_unknown_track_is_404_and_changes_nothing() {
    Host host = fx.newSession();
    fx.addItems(host, 1);
    Guest guest = fx.guest(host);
    JsonNode before = fx.playlist(host);

    assertError(
        add(host, Map.of("track_id", SessionFixtures.unknownId()), host.token()), 404, "not_found");
    assertError(add(host, Map.of("track_id", "no-such-track"), host.token()), 404, "not_found");
    assertError(
        add(host, Map.of("track_id", SessionFixtures.unknownId()), guest.token()),
        404,
        "not_found");

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void an_unknown_item_is_404_and_changes_nothing() {
    Host host = fx.newSession();
    fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    Host other = fx.newSession();
    String foreign = fx.addItem(other, fx.track(0));
    JsonNode before = fx.playlist(host);

    for (String item : List.of(SessionFixtures.unknownId(), "not-an-item", foreign)) {
      for (String token : List.of(host.token(), guest.token())) {
        assertError(move(host, item, Map.of("position", 0), token), 404, "not_found");
        assertError(remove(host, item, token), 404, "not_found");
      }
    }

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(fx.itemIds(other)).containsExactly(foreign);
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void a_position_out_of_range_is_400_naming_position_and_changes_nothing() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    JsonNode before = fx.playlist(host);
    String track = fx.track(0).id();

    for (String token : List.of(host.token(), guest.token())) {
      assertBadField(add(host, Map.of("track_id", track, "position", 3), token), "position");
      assertBadField(add(host, Map.of("track_id", track, "position", -1), token), "position");
      assertBadField(move(host, ids.get(0), Map.of("position", 2), token), "position");
      assertBadField(move(host, ids.get(0), Map.of("position", -1), token), "position");
    }

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void adding_without_a_track_id_is_400_naming_it() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    for (String token : List.of(host.token(), guest.token())) {
      assertBadField(add(host, "{}", token), "track_id");
      assertBadField(add(host, Map.of("track_id", ""), token), "track_id");
      assertBadField(add(host, Map.of("position", 0), token), "track_id");
      assertThat(Reply.of(app().request(path(host), token).post(Entity.json(""))).status())
          .isEqualTo(400);
    }

    assertThat(fx.version(host)).isZero();
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void adding_a_url_that_is_not_http_or_together_with_a_track_id_is_400_naming_url() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    for (String token : List.of(host.token(), guest.token())) {
      for (String url :
          List.of("ftp://example.com/a.mp3", "https://user:pw@example.com/a.mp3", "not a url")) {
        JsonNode error = assertError(add(host, Map.of("url", url), token), 400, "invalid_url");
        assertThat(error.path("field").asText()).isEqualTo("url");
      }
      assertBadField(
          add(
              host,
              Map.of("url", "https://example.com/a.mp3", "track_id", fx.track(0).id()),
              token),
          "url");
    }

    assertThat(fx.version(host)).isZero();
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void wrongly_typed_or_missing_fields_are_400_naming_them() {
    Host host = fx.newSession();
    List<String> ids = fx.addItems(host, 2);
    Guest guest = fx.guest(host);
    JsonNode before = fx.playlist(host);
    String track = fx.track(0).id();

    for (String token : List.of(host.token(), guest.token())) {
      assertBadField(
          add(host, "{\"track_id\": \"" + track + "\", \"position\": \"first\"}", token),
          "position");
      assertBadField(add(host, "{\"track_id\": {\"id\": \"" + track + "\"}}", token), "track_id");
      assertBadField(move(host, ids.get(0), "{\"position\": \"last\"}", token), "position");
      assertBadField(move(host, ids.get(0), "{}", token), "position");
      assertError(add(host, "{\"track_id\": ", token), 400, "malformed_json");
    }

    assertThat(fx.playlist(host)).isEqualTo(before);
    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }

  @Test
  void another_sessions_token_or_a_user_token_gets_403_on_a_playlist() {
    Host host = fx.newSession();
    String item = fx.addItem(host, fx.track(0));
    Host other = fx.newSession();
    Guest otherGuest = fx.guest(other);
    Map<String, Object> body = Map.of("track_id", fx.track(1).id());

    for (String token : List.of(other.token(), otherGuest.token(), fx.userToken())) {
      assertError(app().get(path(host), token), 403, "forbidden");
      assertError(add(host, body, token), 403, "forbidden");
      assertError(move(host, item, Map.of("position", 0), token), 403, "forbidden");
      assertError(remove(host, item, token), 403, "forbidden");
    }

    assertThat(fx.itemIds(host)).containsExactly(item);
    assertThat(fx.version(host)).isEqualTo(1);
  }

  // --- concurrency -------------------------------------------------------------------------------

  /**
   * 8 threads × 10 host edits at once. Three anchor items are never touched; threads append, remove
   * any item they know of (racing each other: one 204, the others 404), and move an item they added
   * and never moved to position 0. An appended item always has the anchors before it, so such a
   * move always changes something: every 201, 204 and 200 is exactly one version.
   */
  @Test
  void concurrent_host_edits_lose_no_change() throws Exception {
    Host host = fx.newSession();
    List<String> anchors = fx.addItems(host, 3);
    long startVersion = fx.version(host);
    int threads = 8;
    int opsPerThread = 10;
    Set<String> live = ConcurrentHashMap.newKeySet();
    Set<String> added = ConcurrentHashMap.newKeySet();
    Set<String> removed = ConcurrentHashMap.newKeySet();
    AtomicInteger adds = new AtomicInteger();
    AtomicInteger removes = new AtomicInteger();
    AtomicInteger moves = new AtomicInteger();
    List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> worker =
            () -> {
              List<String> mine = new ArrayList<>();
              ThreadLocalRandom random = ThreadLocalRandom.current();
              start.await();
              for (int op = 0; op < opsPerThread; op++) {
                int kind = op < 2 ? 0 : random.nextInt(3);
                if (kind == 0 || (kind == 2 && mine.isEmpty()) || (kind == 1 && live.isEmpty())) {
                  Track track = fx.track((thread + op) % fx.tracks().size());
                  Reply reply = add(host, Map.of("track_id", track.id()), host.token());
                  if (reply.status() == 201) {
                    adds.incrementAndGet();
                    live.add(reply.text("item_id"));
                    added.add(reply.text("item_id"));
                    mine.add(reply.text("item_id"));
                  } else {
                    unexpected.add("add: " + reply);
                  }
                } else if (kind == 1) {
                  List<String> candidates = new ArrayList<>(live);
                  String victim = candidates.get(random.nextInt(candidates.size()));
                  Reply reply = remove(host, victim, host.token());
                  if (reply.status() == 204) {
                    removes.incrementAndGet();
                    removed.add(victim);
                    live.remove(victim);
                  } else if (reply.status() != 404) {
                    unexpected.add("remove: " + reply);
                  }
                } else {
                  String item = mine.remove(random.nextInt(mine.size()));
                  Reply reply = move(host, item, Map.of("position", 0), host.token());
                  if (reply.status() == 200) {
                    moves.incrementAndGet();
                  } else if (reply.status() != 404) {
                    unexpected.add("move: " + reply);
                  }
                }
              }
              return null;
            };
        done.add(pool.submit(worker));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(unexpected).as("replies other than success or a lost race").isEmpty();
    JsonNode playlist = fx.playlist(host);
    List<String> ids = SessionFixtures.itemIds(playlist);
    Set<String> expected = new HashSet<>(anchors);
    expected.addAll(added);
    expected.removeAll(removed);
    assertThat(ids).hasSize(anchors.size() + adds.get() - removes.get());
    assertThat(new HashSet<>(ids)).isEqualTo(expected);
    assertContiguous(playlist);
    assertThat(ids.stream().filter(anchors::contains).toList())
        .as("anchors keep their order")
        .isEqualTo(anchors);
    assertThat(playlist.path("version").asLong())
        .as("version after %d adds, %d removes, %d moves", adds.get(), removes.get(), moves.get())
        .isEqualTo(startVersion + adds.get() + removes.get() + moves.get());
  }
}
