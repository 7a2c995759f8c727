package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.testing.Api;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.Reply;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.WsClient;

/**
 * Redis stopped and started again under two instances that share a PostgreSQL database: each
 * instance keeps serving its own listeners and the whole REST API (joins and guest requests
 * included, limited per instance meanwhile), the health check says what is wrong, and when Redis is
 * back the instances find it by themselves, deliver across again, and listeners that missed events
 * catch up. An instance that starts while Redis is down comes up all the same, as if in an outage.
 */
@Tag("faults")
class RedisOutageIT {
  private static final Client CLIENT = Api.newClient(null);
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  @TempDir Path root;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // close the others
      }
    }
  }

  private <T extends AutoCloseable> T open(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private WsClient listen(Instance instance, Host host, String token) {
    return open(WsClient.connectOk(instance.httpPort(), host.sessionId(), token).client());
  }

  /** What every instance of the cluster is started with: the shared database and Redis. */
  private static Map<String, String> clusterEnv(TestDatabase db, PrivateRedis redis) {
    return Map.of(
        "SAMESONG_DB_URL", db.url(),
        "SAMESONG_DB_USER", db.user(),
        "SAMESONG_REDIS_URL", redis.url());
  }

  @Test
  void each_instance_serves_its_own_while_redis_is_down_and_the_cluster_heals_after() {
    TestDatabase db = open(TestDatabase.postgres());
    PrivateRedis redis = open(PrivateRedis.start(root));
    Map<String, String> env = clusterEnv(db, redis);
    Instance a = open(Instance.create("a", root, env).start());
    Instance b = open(Instance.create("b", root, env).start());
    Api onA = new Api(CLIENT, a::httpPort);
    Api onB = new Api(CLIENT, b::httpPort);

    Host host = Scenario.createSession(onA, onA.adminToken(), "two instances");
    List<String> tracks = Story.trackIds(onA, host);
    Story.addTrack(onA, host, tracks.get(0));
    Story.addTrack(onA, host, tracks.get(1));
    Scenario.playback(onA, host, "play", null);
    Guest ada = Scenario.join(onA, host, "Ada");
    Guest bo = Scenario.join(onB, host, "Bo");
    WsClient adaOnA = listen(a, host, ada.token());
    WsClient boOnB = listen(b, host, bo.token());
    Guest dee = Scenario.join(onB, host, "Dee");
    WsClient deeOnB = listen(b, host, dee.token());

    // the cluster works: a command on A reaches B's listener
    Scenario.playback(onA, host, "seek", 5_000L);
    awaitState(boOnB, at(5_000), Duration.ofSeconds(5), "the seek to 5 s, across instances");

    redis.stop();
    long stopped = System.nanoTime();

    for (Instance i : List.of(a, b)) {
      HttpResponse<String> health = awaitHealth(i, 500, RECOVERY);
      assertThat(health.body())
          .as("%s health", i)
          .contains("\"event-bus\"")
          .contains("redis unreachable");
    }

    // a command on A reaches A's listeners
    JsonNode seek = Scenario.playback(onA, host, "seek", 30_000L);
    awaitState(adaOnA, at(30_000), Duration.ofSeconds(5), "the seek to 30 s on its instance");
    // B's listener hears of it from B's own heartbeat, which reads the shared database
    awaitState(
        boOnB,
        m -> m.path("updated_at").asText().equals(seek.path("updated_at").asText()),
        Duration.ofSeconds(15),
        "B's heartbeat with the state A stored");

    // REST keeps working on both: joins, logins, guest requests, limited per instance
    Guest cy = Scenario.join(onB, host, "Cy");
    onB.adminToken();
    for (int i = 0; i < 3; i++) {
      String id = Story.request(onB, host, cy, Map.of("action", "add", "track_id", tracks.get(2)));
      // decided at once: the 4th meets the request rate limit, not the pending-request quota
      Story.deny(onB, host, id, "not now");
    }
    Reply fourth =
        onB.post(
            "sessions/" + host.sessionId() + "/requests",
            Map.of("action", "add", "track_id", tracks.get(2)),
            cy.token());
    ApiAssertions.assertError(fourth, 429, "rate_limited");
    assertThat(fourth.header("Retry-After")).isNotBlank();

    // the host removes Dee: B cannot hear of it, Dee's connection there stays open meanwhile
    assertThat(
            onA.delete("sessions/" + host.sessionId() + "/members/" + dee.memberId(), host.token())
                .status())
        .isEqualTo(204);
    // a playlist change on A that B's listener cannot hear of now
    Story.addTrack(onA, host, tracks.get(2));
    long version =
        adaOnA.awaitType("playlist_update", Duration.ofSeconds(5)).path("version").asLong();

    // an outage of 18 s: Lettuce's default backoff (doubling up to 30 s) had its next attempt
    // some 15 s after Redis was back then (a sleep on purpose: the outage's length is tested)
    Instance.sleep(Math.max(0, 18_000 - (System.nanoTime() - stopped) / 1_000_000));
    redis.start();
    long back = System.nanoTime();

    for (Instance i : List.of(a, b)) {
      awaitHealth(i, 200, Duration.ofSeconds(5));
    }
    System.out.printf(
        "both instances healthy %.1f s after Redis started again%n",
        (System.nanoTime() - back) / 1e9);
    // B's listener catches up with the playlist it missed
    boOnB.awaitMessage(
        m ->
            "playlist_update".equals(m.path("type").asText())
                && m.path("version").asLong() >= version,
        RECOVERY,
        "the playlist it missed (version " + version + ")");
    System.out.printf(
        "B's listener had the playlist it missed %.1f s after Redis started again%n",
        (System.nanoTime() - back) / 1e9);
    // the removal B missed takes effect there too
    assertThat(deeOnB.awaitClose(RECOVERY).code()).as("Dee's close code on B").isEqualTo(4403);
    // and a command on A reaches B's listener again
    Scenario.playback(onA, host, "seek", 40_000L);
    awaitState(boOnB, at(40_000), Duration.ofSeconds(5), "the seek to 40 s, across instances");

    assertThat(adaOnA.isClosed()).as("A's listener stayed connected").isFalse();
    assertThat(boOnB.isClosed()).as("B's listener stayed connected").isFalse();
    assertThat(count(b.log(), "shared rate limits unreachable"))
        .as("B's one warning that limits are per instance meanwhile: %s", lines(b.log(), "limits"))
        .isEqualTo(1);
    for (Instance i : List.of(a, b)) {
      assertThat(count(i.log(), "Redis unreachable"))
          .as("%s's warning in %s", i, lines(i.log(), "Redis"))
          .isEqualTo(1);
      assertThat(i.log()).as("%s log", i).doesNotContain("ERROR");
    }
  }

  @Test
  void an_instance_started_while_redis_is_down_serves_its_own_and_joins_the_cluster_later() {
    TestDatabase db = open(TestDatabase.postgres());
    PrivateRedis redis = open(PrivateRedis.start(root));
    redis.stop();
    Map<String, String> env = clusterEnv(db, redis);

    // a cluster restarting in any order: this instance comes up before its Redis
    Instance a = open(Instance.create("a", root, env).start());
    Api onA = new Api(CLIENT, a::httpPort);
    assertThat(awaitHealth(a, 500, RECOVERY).body())
        .contains("\"event-bus\"")
        .contains("redis unreachable");

    // the API and the WebSocket work, delivered by this instance to its own listeners
    Host host = Scenario.createSession(onA, onA.adminToken(), "started before Redis");
    List<String> tracks = Story.trackIds(onA, host);
    Story.addTrack(onA, host, tracks.get(0));
    Story.addTrack(onA, host, tracks.get(1));
    Guest ada = Scenario.join(onA, host, "Ada");
    WsClient adaOnA = listen(a, host, ada.token());
    Scenario.playback(onA, host, "play", null);
    Scenario.playback(onA, host, "seek", 5_000L);
    awaitState(adaOnA, at(5_000), Duration.ofSeconds(5), "the seek, on its own instance");
    // guest requests are limited per instance meanwhile, as during an outage
    Story.request(onA, host, ada, Map.of("action", "add", "track_id", tracks.get(2)));

    redis.start();
    long back = System.nanoTime();
    awaitHealth(a, 200, RECOVERY);
    System.out.printf(
        "the instance started without Redis was healthy %.1f s after Redis started%n",
        (System.nanoTime() - back) / 1e9);
    // what every instance does after an outage: re-send the state of the sessions followed here
    adaOnA.awaitMessage(
        m ->
            "playlist_update".equals(m.path("type").asText())
                && "resync".equals(m.path("change").path("op").asText()),
        RECOVERY,
        "the resync once Redis answered");

    // the cluster works both ways: A publishes to Redis and is subscribed
    Instance b = open(Instance.create("b", root, env).start());
    Api onB = new Api(CLIENT, b::httpPort);
    Guest bo = Scenario.join(onB, host, "Bo");
    WsClient boOnB = listen(b, host, bo.token());
    Scenario.playback(onA, host, "seek", 20_000L);
    awaitState(boOnB, at(20_000), Duration.ofSeconds(5), "a seek on A, on B");
    Scenario.playback(onB, host, "seek", 30_000L);
    awaitState(adaOnA, at(30_000), Duration.ofSeconds(5), "a seek on B, on A");
    // and presence is shared: A's session view counts Bo, connected to B
    JsonNode view = onA.get("sessions/" + host.sessionId(), host.token()).json();
    assertThat(view.path("members").findValues("display_name").toString()).contains("Bo");
    for (JsonNode m : view.path("members")) {
      if ("Bo".equals(m.path("display_name").asText())) {
        assertThat(m.path("connected").asBoolean()).as("Bo in A's view: %s", m).isTrue();
      }
    }

    assertThat(adaOnA.isClosed()).as("A's listener stayed connected").isFalse();
    assertThat(count(a.log(), "Redis unreachable"))
        .as("A's one warning in %s", lines(a.log(), "Redis"))
        .isEqualTo(1);
    assertThat(count(a.log(), "shared rate limits unreachable"))
        .as("A's one warning that limits are per instance meanwhile: %s", lines(a.log(), "limits"))
        .isEqualTo(1);
    assertThat(a.log()).as("A's log").doesNotContain("ERROR");
  }

  private static Predicate<JsonNode> at(long positionMs) {
    return m -> m.path("position_ms").asLong() == positionMs;
  }

  private static JsonNode awaitState(
      WsClient listener, Predicate<JsonNode> matches, Duration timeout, String what) {
    return listener.awaitMessage(
        m -> "playback_state".equals(m.path("type").asText()) && matches.test(m), timeout, what);
  }

  private static HttpResponse<String> awaitHealth(Instance instance, int status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = Instance.get(instance.adminUri("/healthcheck"));
      if (last.statusCode() == status) {
        return last;
      }
      Instance.sleep(200);
    }
    throw new AssertionError(
        instance + " health not " + status + " within " + timeout + ": " + last.body());
  }

  private static String lines(String log, String what) {
    return String.join("\n", log.lines().filter(l -> l.contains(what)).toList());
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
