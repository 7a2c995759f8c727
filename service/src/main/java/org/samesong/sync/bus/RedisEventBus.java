package org.samesong.sync.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToLongBiFunction;
import java.util.function.ToLongFunction;
import org.samesong.metrics.SamesongMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus of a cluster: envelopes go through one Redis pub/sub channel to every instance, and
 * each delivers them to its own listeners, so a command on instance A reaches guests on B without
 * session affinity.
 *
 * <p>Numbering and publishing are one Lua script ({@code INCR} of the session's counter, the number
 * written into the message, {@code PUBLISH}), so broadcasts from different instances reach every
 * listener in the order of their numbers. The counter never goes below a floor this instance knows
 * (the last number it saw, and a block reserved in the database, which is kept ahead of Redis), so
 * numbers keep growing even when Redis restarts without its data.
 *
 * <p>When Redis is unreachable, each instance keeps serving its own listeners: envelopes are
 * delivered locally, numbered from the database; Lettuce reconnects by itself and the health check
 * reports the outage meanwhile. An instance that starts while Redis is unreachable is in such an
 * outage from the start, and its connections open as soon as Redis answers ({@link
 * RedisConnection}). Whatever went by while the link was down is lost (pub/sub keeps nothing), so
 * once the subscription is back, or publishing works again, the {@link #onReconnect} listeners run
 * and re-send the current state.
 */
public class RedisEventBus implements EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEventBus.class);
  static final String CHANNEL = "samesong:events";
  static final String SEQ_KEY = "samesong:seq:";

  /** Stands for the number in a message until the script knows it; 16 digits no content has. */
  static final long PLACEHOLDER = 9_197_531_864_209_753L;

  private static final String NUMBER_AND_PUBLISH =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        redis.call('SET', KEYS[1], ARGV[4])
      end
      local v = redis.call('INCR', KEYS[1])
      local floor = tonumber(ARGV[3])
      if v < floor then
        redis.call('SET', KEYS[1], ARGV[3])
        v = floor
      end
      local message = string.gsub(ARGV[1], ARGV[2], string.format('%d', v))
      redis.call('PUBLISH', KEYS[2], message)
      return v
      """;

  private final RedisClient client;
  private final RedisConnection<StatefulRedisConnection<String, String>> commands;
  private final RedisConnection<StatefulRedisPubSubConnection<String, String>> pubsub;
  private final ObjectMapper mapper;
  private final ToLongBiFunction<String, Integer> reserve;
  private final InProcessEventBus fallback;
  private final SamesongMetrics metrics;
  private final List<Consumer<Envelope>> subscribers = new CopyOnWriteArrayList<>();

  /**
   * Per session: the last number seen here and the database mark. The publisher holds the mark's
   * lock while it waits for Redis; the subscriber, on Lettuce's event loop, only raises {@code
   * seen} and never waits for that lock: its own message can arrive before the script's answer, on
   * the same event-loop thread that has to read that answer (after a reconnect both connections may
   * share one), and waiting there stalled every publish for the 2-s command timeout.
   */
  private static final class Mark {
    final AtomicLong seen = new AtomicLong();
    long reserved;
  }

  private final Map<String, Mark> marks = new ConcurrentHashMap<>();

  private final String instanceId = UUID.randomUUID().toString();

  /**
   * Redis failed a command and has not answered one since (one WARN per outage, one INFO after).
   */
  private final AtomicBoolean degraded = new AtomicBoolean();

  private final RedisPresence presence;

  /** How long after a reconnect the listeners run: the other connection is usually back by then. */
  static final long RESYNC_DELAY_MS = 500;

  private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean subscribedOnce = new AtomicBoolean();
  private final AtomicBoolean resyncPlanned = new AtomicBoolean();
  // Lettuce calls back on its event loop, which must never wait for Redis itself
  private final ScheduledExecutorService resyncer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-bus-resync");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param reserve reserves {@code n} numbers of a session's sequence in the database and returns
   *     the last of them
   * @param metrics counts the broadcasts that fell back to this instance's listeners
   */
  public RedisEventBus(
      RedisClient client,
      ObjectMapper mapper,
      ToLongBiFunction<String, Integer> reserve,
      ToLongFunction<String> stored,
      SamesongMetrics metrics) {
    this.client = client;
    this.metrics = metrics;
    this.mapper = mapper;
    this.reserve = reserve;
    this.fallback = new InProcessEventBus(reserve, stored);
    this.commands = new RedisConnection<>("event bus", client::connect, this::connectedLate);
    this.pubsub = new RedisConnection<>("event subscription", this::subscribe, this::connectedLate);
    presence = new RedisPresence(commands::get, instanceId);
    // first among the reconnect listeners: the resync's member lists then count this instance
    onReconnect(presence::renew);
    // Redis may come up after this instance (a cluster restarts in any order): meanwhile this is
    // an outage like any other, and the connections open as soon as Redis answers
    commands.open().ifPresent(this::degrade);
    pubsub.open().ifPresent(this::degrade);
  }

  private StatefulRedisPubSubConnection<String, String> subscribe() {
    StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
    try {
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              receive(message);
            }

            @Override
            public void subscribed(String channel, long count) {
              // Lettuce subscribes again by itself after a reconnect; messages of the gap are lost
              if (subscribedOnce.getAndSet(true)) {
                LOG.info("subscribed to {} again after losing the connection", channel);
                planResync();
              }
            }
          });
      connection.sync().subscribe(CHANNEL);
      return connection;
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Redis answered after this instance started without it: what happened here meanwhile reached no
   * other instance, and nothing of theirs reached this one, as after an outage.
   */
  private void connectedLate() {
    if (commands.isOpen() && pubsub.isOpen()) {
      LOG.info("Redis reachable: events reach every instance");
      degraded.set(false);
      planResync();
    }
  }

  @Override
  public long publish(String sessionId, LongFunction<Envelope> build) {
    Envelope template = build.apply(PLACEHOLDER);
    Mark mark = marks.computeIfAbsent(sessionId, id -> new Mark());
    synchronized (mark) {
      try {
        if (mark.reserved == 0) {
          mark.reserved = reserve.applyAsLong(sessionId, InProcessEventBus.BLOCK);
        }
        Long number =
            commands
                .get()
                .sync()
                .eval(
                    NUMBER_AND_PUBLISH,
                    ScriptOutputType.INTEGER,
                    new String[] {SEQ_KEY + sessionId, CHANNEL},
                    mapper.writeValueAsString(template),
                    Long.toString(PLACEHOLDER),
                    // never below what this instance saw; a missing counter (Redis lost it)
                    // starts at the database's mark, which is ahead of every number given
                    Long.toString(mark.seen.get() + 1),
                    Long.toString(mark.reserved));
        mark.seen.accumulateAndGet(number, Math::max);
        if (number >= mark.reserved) {
          // keep the database ahead of Redis, a block at a time
          mark.reserved = reserve.applyAsLong(sessionId, InProcessEventBus.BLOCK);
        }
        recovered();
        return number;
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      } catch (RuntimeException e) {
        degrade(e);
        metrics.busPublishFailed();
        // the database is ahead of every number Redis gave, so its blocks continue the sequence
        long number = fallback.next(sessionId, mark.seen.get() + 1);
        mark.seen.accumulateAndGet(number, Math::max);
        deliverLocally(template.numbered(number, PLACEHOLDER));
        return number;
      }
    }
  }

  @Override
  public long currentSeq(String sessionId) {
    Mark mark = marks.get(sessionId);
    long seen = mark == null ? 0 : mark.seen.get();
    try {
      String value = commands.get().sync().get(SEQ_KEY + sessionId);
      return Math.max(seen, value == null ? 0 : Long.parseLong(value));
    } catch (RuntimeException e) {
      return Math.max(seen, fallback.currentSeq(sessionId));
    }
  }

  @Override
  public void publishControl(Envelope envelope) {
    try {
      commands.get().sync().publish(CHANNEL, mapper.writeValueAsString(envelope));
      recovered();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      degrade(e);
      metrics.busPublishFailed();
      deliverLocally(envelope);
    }
  }

  @Override
  public void subscribe(Consumer<Envelope> subscriber) {
    subscribers.add(subscriber);
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public void onReconnect(Runnable listener) {
    reconnectListeners.add(listener);
  }

  @Override
  public Presence presence() {
    return presence;
  }

  @Override
  public boolean healthy() {
    return commands.isOpen() && pubsub.isOpen() && !degraded.get();
  }

  /** Pings Redis; what the health check calls. */
  public boolean ping() {
    try {
      boolean ok = "PONG".equals(commands.get().sync().ping()) && pubsub.isOpen();
      if (ok) {
        recovered();
      }
      return ok;
    } catch (RuntimeException e) {
      degrade(e);
      return false;
    }
  }

  @Override
  public void close() {
    presence.close();
    resyncer.shutdownNow();
    pubsub.close();
    commands.close();
  }

  private void receive(String message) {
    Envelope envelope;
    try {
      envelope = mapper.readValue(message, Envelope.class);
    } catch (JsonProcessingException e) {
      LOG.warn("unreadable envelope on {}: {}", CHANNEL, e.getOriginalMessage());
      return;
    }
    if (envelope.seq() > 0) {
      marks
          .computeIfAbsent(envelope.sessionId(), id -> new Mark())
          .seen
          .accumulateAndGet(envelope.seq(), Math::max);
    }
    deliverLocally(envelope);
  }

  private void deliverLocally(Envelope envelope) {
    for (Consumer<Envelope> subscriber : subscribers) {
      subscriber.accept(envelope);
    }
  }

  private void degrade(RuntimeException e) {
    // several threads meet the same outage at once: only the first one says so
    if (degraded.compareAndSet(false, true)) {
      LOG.warn(
          "Redis unreachable ({}): serving this instance's listeners only until it is back",
          e.getMessage());
    }
  }

  private void recovered() {
    if (degraded.compareAndSet(true, false)) {
      LOG.info("Redis reachable again: events reach every instance");
      // the other instances missed what was delivered here only
      planResync();
    }
  }

  /** Runs the reconnect listeners soon, once for a burst of reasons (resubscribed, recovered). */
  private void planResync() {
    if (!resyncPlanned.compareAndSet(false, true)) {
      return;
    }
    try {
      resyncer.schedule(
          () -> {
            resyncPlanned.set(false);
            for (Runnable listener : reconnectListeners) {
              try {
                listener.run();
              } catch (RuntimeException e) {
                LOG.warn("resync after the reconnect failed: {}", e.toString());
              }
            }
          },
          RESYNC_DELAY_MS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }
}
