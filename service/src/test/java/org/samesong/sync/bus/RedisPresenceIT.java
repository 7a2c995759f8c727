package org.samesong.sync.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.sync.SyncHub;
import org.samesong.sync.ws.Connection;
import org.samesong.sync.ws.ConnectionTest;
import org.samesong.testing.Services;

/**
 * Presence shared through the machine's Redis by two hubs, each on its own Redis event bus as two
 * instances would be: what one instance's connections look like from the other.
 *
 * <p>A read on a hub's own bus waits for that bus's earlier writes (Redis answers a connection in
 * order), so asking instance A first makes its writes visible before B is asked.
 */
class RedisPresenceIT {
  private static final String URL = "redis://127.0.0.1:6379";
  private final String session = UUID.randomUUID().toString();
  private final String nameOfA = "samesong-test-a-" + UUID.randomUUID();
  private final Map<String, AtomicLong> stored = new ConcurrentHashMap<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisEventBus busA;
  private SyncHub a;
  private SyncHub b;

  @BeforeEach
  void start() {
    Services.assume(Services.listening("127.0.0.1", 6379), "Redis on 127.0.0.1:6379");
    busA = bus(nameOfA);
    a = new SyncHub(busA);
    b = new SyncHub(bus("samesong-test-b-" + UUID.randomUUID()));
  }

  private RedisEventBus bus(String name) {
    RedisURI uri = RedisURI.create(URL);
    uri.setTimeout(Duration.ofSeconds(2));
    // a name of its own, so that the test can cut its own connections and nobody else's
    uri.setClientName(name);
    RedisClient client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    RedisEventBus bus =
        new RedisEventBus(
            client,
            Jackson.newObjectMapper(),
            (s, n) -> stored.computeIfAbsent(s, k -> new AtomicLong()).addAndGet(n),
            s -> stored.computeIfAbsent(s, k -> new AtomicLong()).get(),
            new SamesongMetrics());
    open.add(client::shutdown);
    open.add(bus);
    return bus;
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Connection connect(SyncHub hub, String memberId) {
    Connection c =
        new Connection(
            new ConnectionTest.FakeSocket().session, session, memberId, "guest", "f-1", 20, 60);
    hub.register(c);
    return c;
  }

  @Test
  void a_member_stays_connected_for_the_other_instance_until_its_last_connection_here_closes() {
    Connection first = connect(a, "m-1");
    Connection second = connect(a, "m-1");
    assertThat(a.connectedAnywhere(session)).containsExactly("m-1");
    assertThat(b.connectedMembers(session)).as("B's own connections").isEmpty();
    assertThat(b.connectedAnywhere(session)).as("seen from B").containsExactly("m-1");

    a.unregister(first);
    a.connectedAnywhere(session);
    assertThat(b.connectedAnywhere(session)).as("one connection left on A").containsExactly("m-1");

    a.unregister(second);
    assertThat(a.connectedAnywhere(session)).isEmpty();
    assertThat(b.connectedAnywhere(session)).as("the last one closed").isEmpty();
  }

  @Test
  void both_instances_count_each_other_and_themselves() {
    connect(a, "m-a");
    connect(b, "m-b");
    a.connectedAnywhere(session);

    assertThat(b.connectedAnywhere(session)).containsExactlyInAnyOrder("m-a", "m-b");
    assertThat(a.connectedAnywhere(session)).containsExactlyInAnyOrder("m-a", "m-b");
  }

  @Test
  void an_instance_that_stops_cleanly_is_not_counted_any_more() {
    connect(a, "m-1");
    a.connectedAnywhere(session);
    assertThat(b.connectedAnywhere(session)).containsExactly("m-1");

    busA.close();

    assertThat(b.connectedAnywhere(session)).isEmpty();
  }

  @Test
  void entries_that_redis_lost_are_written_again_once_the_bus_reconnects() throws Exception {
    connect(a, "m-1");
    a.connectedAnywhere(session);
    // a Redis restarted without its data: the entries are gone and the connections cut
    RedisClient admin = RedisClient.create(URL);
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      c.sync().del(RedisPresence.KEY + session);
      assertThat(b.connectedAnywhere(session)).as("right after the loss").isEmpty();
      for (String line : c.sync().clientList().split("\n")) {
        if (line.contains(" name=" + nameOfA + " ")) {
          c.sync()
              .clientKill(
                  KillArgs.Builder.id(Long.parseLong(line.replaceAll(".*\\bid=(\\d+).*", "$1"))));
        }
      }
    } finally {
      admin.shutdown();
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (b.connectedAnywhere(session).isEmpty()) {
      assertThat(System.nanoTime()).as("A's entry is back").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(b.connectedAnywhere(session)).containsExactly("m-1");
  }
}
