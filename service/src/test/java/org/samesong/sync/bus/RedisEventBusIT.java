package org.samesong.sync.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * The Redis event bus on the machine's Redis, with Lettuce on one event-loop thread: the situation
 * after a reconnect, when the publishing and the subscribed connection can share a thread.
 */
class RedisEventBusIT {
  private final String name = "samesong-test-" + UUID.randomUUID();
  private final Map<String, AtomicLong> stored = new ConcurrentHashMap<>();
  private ClientResources resources;
  private RedisClient client;
  private RedisEventBus bus;
  private final List<Envelope> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    Services.assume(Services.listening("127.0.0.1", 6379), "Redis on 127.0.0.1:6379");
    // one event-loop thread for every connection (the builder's pool size has a floor of two)
    resources =
        DefaultClientResources.builder()
            .eventLoopGroupProvider(new DefaultEventLoopGroupProvider(1))
            .build();
    RedisURI uri = RedisURI.create("redis://127.0.0.1:6379");
    uri.setTimeout(Duration.ofSeconds(2));
    // a name of its own, so that the test can cut its own connections and nobody else's
    uri.setClientName(name);
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    bus =
        new RedisEventBus(
            client,
            Jackson.newObjectMapper(),
            // the database's sequence blocks, as SessionService keeps them
            (session, n) -> stored.computeIfAbsent(session, s -> new AtomicLong()).addAndGet(n),
            session -> stored.computeIfAbsent(session, s -> new AtomicLong()).get(),
            new SamesongMetrics());
    bus.subscribe(received::add);
  }

  @AfterEach
  void stop() {
    if (bus != null) {
      bus.close();
      client.shutdown();
      resources.shutdown();
    }
  }

  private List<Envelope> of(String sessionId) {
    return received.stream().filter(e -> sessionId.equals(e.sessionId())).toList();
  }

  @Test
  void a_publish_is_not_held_up_by_messages_arriving_on_the_same_event_loop() throws Exception {
    String session = UUID.randomUUID().toString();
    RedisClient otherClient = RedisClient.create("redis://127.0.0.1:6379");
    RedisEventBus other =
        new RedisEventBus(
            otherClient,
            Jackson.newObjectMapper(),
            (s, n) -> stored.computeIfAbsent(s, k -> new AtomicLong()).addAndGet(n),
            s -> stored.computeIfAbsent(s, k -> new AtomicLong()).get(),
            new SamesongMetrics());
    try {
      // another instance publishes to the same session meanwhile, so messages keep arriving while
      // this bus waits for its own script's answer
      Thread busy =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) {
                  other.publish(session, seq -> Envelope.toAll(session, seq, "{}"));
                }
              });
      busy.start();
      for (int i = 0; i < 20; i++) {
        bus.publish(session, seq -> Envelope.toAll(session, seq, "{}"));
      }
      busy.join();
    } finally {
      other.close();
      otherClient.shutdown();
    }

    // before, the subscriber waited on the event loop for the publisher's lock while the
    // publisher waited for the script's answer on that same loop: the publish ran into the 2-s
    // timeout, fell back to local delivery (the message came twice) and marked the bus down
    awaitSize(session, 120);
    assertThat(of(session)).extracting(Envelope::seq).doesNotHaveDuplicates().hasSize(120);
    assertThat(bus.healthy()).isTrue();
  }

  @Test
  void when_the_subscription_is_cut_and_comes_back_the_reconnect_listeners_run() throws Exception {
    CountDownLatch reconnected = new CountDownLatch(1);
    bus.onReconnect(reconnected::countDown);
    String session = UUID.randomUUID().toString();

    cutOwnConnections();

    assertThat(reconnected.await(30, TimeUnit.SECONDS))
        .as("the reconnect listeners ran after Lettuce subscribed again")
        .isTrue();
    bus.publish(session, seq -> Envelope.toAll(session, seq, "{}"));
    awaitSize(session, 1);
  }

  @Test
  void a_bus_started_while_redis_is_unreachable_serves_this_instance_and_says_so()
      throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RedisClient nowhere = RedisClient.create("redis://127.0.0.1:" + port);
    List<Envelope> here = new CopyOnWriteArrayList<>();
    RedisEventBus alone =
        new RedisEventBus(
            nowhere,
            Jackson.newObjectMapper(),
            (s, n) -> stored.computeIfAbsent(s, k -> new AtomicLong()).addAndGet(n),
            s -> stored.computeIfAbsent(s, k -> new AtomicLong()).get(),
            new SamesongMetrics());
    try {
      alone.subscribe(here::add);
      String session = UUID.randomUUID().toString();
      SyncHub hub = new SyncHub(alone);
      hub.register(
          new Connection(
              new ConnectionTest.FakeSocket().session, session, "m-1", "guest", "f-1", 20, 60));

      long number = alone.publish(session, seq -> Envelope.toAll(session, seq, "{}"));
      assertThat(number).as("numbered from the database's blocks").isPositive();
      assertThat(here).as("delivered here").extracting(Envelope::seq).containsExactly(number);
      assertThat(alone.healthy()).isFalse();
      assertThat(alone.ping()).isFalse();
      assertThat(hub.connectedAnywhere(session))
          .as("presence: this instance's")
          .containsExactly("m-1");
    } finally {
      alone.close();
      nowhere.shutdown();
    }
  }

  /** CLIENT KILL of this test's connections (by their name), as a Redis restart would cut them. */
  private void cutOwnConnections() {
    RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      for (String line : c.sync().clientList().split("\n")) {
        if (line.contains(" name=" + name + " ")) {
          String id = line.replaceAll(".*\\bid=(\\d+).*", "$1");
          c.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
        }
      }
    } finally {
      admin.shutdown();
    }
  }

  private void awaitSize(String session, int size) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (of(session).size() < size && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(of(session)).as("delivered").hasSizeGreaterThanOrEqualTo(size);
  }
}
