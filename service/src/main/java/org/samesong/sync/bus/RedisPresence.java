package org.samesong.sync.bus;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence shared by the instances of a cluster through Redis: per session a sorted set {@code
 * samesong:presence:{sessionId}} whose members are {@code "{memberId}|{instanceId}"}, scored with
 * the epoch millisecond at which the entry lapses. An instance adds an entry when a member's first
 * connection opens on it, removes it when the last one closes, and renews its entries every {@link
 * #REFRESH}, so that the entries of an instance that died without removing them lapse by themselves
 * after {@link #LIFETIME}.
 *
 * <p>Expiry is judged by Redis's own clock ({@code TIME} inside the scripts), so instances whose
 * clocks disagree still agree on what has lapsed.
 *
 * <p>Writes are sent without waiting for the answer, on the connection reads use too: Redis answers
 * one connection's commands in order, so a read made after this instance's own write sees it. A
 * read is one round trip. While Redis cannot be asked, reads answer with this instance's own
 * connections (one WARN for the outage, not one per read), and once the bus is back the entries of
 * this instance are written again.
 */
final class RedisPresence implements Presence {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
  static final String KEY = "samesong:presence:";

  /** How often an instance renews its entries. */
  static final Duration REFRESH = Duration.ofSeconds(15);

  /** How long an entry lives without renewal: three renewals may fail before it lapses. */
  static final Duration LIFETIME = Duration.ofSeconds(45);

  /**
   * Writes the given members with the expiry now + ARGV[1] ms (0: lapsed at once); with ARGV[2] =
   * '1', first removes the entries that lapsed and answers how many. The key itself expires with
   * its last renewal, so a session nobody follows any more leaves nothing behind.
   */
  private static final String KEEP =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local lapsed = 0
      if ARGV[2] == '1' then
        lapsed = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
      end
      if #ARGV > 2 then
        local expiry = string.format('%d', now + tonumber(ARGV[1]))
        for i = 3, #ARGV do
          redis.call('ZADD', KEYS[1], expiry, ARGV[i])
        end
        if tonumber(ARGV[1]) > 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
      end
      return lapsed
      """;

  /** The entries that have not lapsed. */
  private static final String READ =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. string.format('%d', now), '+inf')
      """;

  private final Supplier<StatefulRedisConnection<String, String>> redis;
  private final String instanceId;

  /** Members connected here, per session, as reported by the hub; guarded by {@code this}. */
  private final Map<String, Set<String>> here = new HashMap<>();

  /** Removals Redis has not confirmed (it may be away), per session: tried again at renewal. */
  private final Map<String, Set<String>> unremoved = new ConcurrentHashMap<>();

  private final ScheduledExecutorService upkeep =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "presence-upkeep");
            t.setDaemon(true);
            return t;
          });

  private volatile Supplier<Set<String>> followed = Set::of;
  private volatile Consumer<String> lapsed = s -> {};
  private final AtomicBoolean down = new AtomicBoolean();

  /**
   * @param redis the connection (of the event bus); throws while there is none
   * @param instanceId this instance, as its entries name it
   */
  RedisPresence(Supplier<StatefulRedisConnection<String, String>> redis, String instanceId) {
    this.redis = redis;
    this.instanceId = instanceId;
  }

  @Override
  public synchronized void arrived(String sessionId, String memberId) {
    here.computeIfAbsent(sessionId, s -> new HashSet<>()).add(memberId);
    // a removal still owed would take away the entry written now
    forget(unremoved, sessionId, memberId);
    keep(sessionId, List.of(memberId), false, LIFETIME.toMillis());
  }

  @Override
  public synchronized void left(String sessionId, String memberId) {
    forget(here, sessionId, memberId);
    remove(sessionId, memberId);
  }

  @Override
  public Set<String> connected(String sessionId, Set<String> connectedHere) {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      // a Netty thread, maybe Lettuce's event loop: waiting there for Redis's answer can stall the
      // very thread that has to read it (see RedisEventBus)
      return connectedHere;
    }
    List<Object> entries;
    try {
      entries =
          redis.get().sync().eval(READ, ScriptOutputType.MULTI, new String[] {KEY + sessionId});
      reachable();
    } catch (RuntimeException e) {
      unreachable(e);
      return connectedHere;
    }
    Set<String> members = new HashSet<>(connectedHere);
    for (Object entry : entries) {
      String text = String.valueOf(entry);
      int bar = text.lastIndexOf('|');
      members.add(bar < 0 ? text : text.substring(0, bar));
    }
    return members;
  }

  @Override
  public void start(Supplier<Set<String>> followed, Consumer<String> lapsed) {
    this.followed = followed;
    this.lapsed = lapsed;
    upkeep.scheduleWithFixedDelay(
        () -> {
          try {
            renew();
          } catch (RuntimeException e) {
            // a failed round must not end the renewals
            LOG.warn("renewing the presence entries failed: {}", e.toString());
          }
        },
        REFRESH.toMillis(),
        REFRESH.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Writes this instance's entries again (they may be gone with a restarted Redis, or were never
   * written while it was away), takes back the removals it missed, and sweeps lapsed entries out of
   * the sessions followed here, telling whoever listens about each session that lost some.
   */
  void renew() {
    Map<String, RedisFuture<Long>> answers = new LinkedHashMap<>();
    synchronized (this) {
      Set<String> sessions = new HashSet<>(here.keySet());
      try {
        sessions.addAll(followed.get());
      } catch (RuntimeException e) {
        LOG.debug("followed sessions unknown: {}", e.toString());
      }
      unremoved.forEach((session, members) -> members.forEach(m -> remove(session, m)));
      for (String session : sessions) {
        RedisFuture<Long> answer =
            keep(
                session,
                List.copyOf(here.getOrDefault(session, Set.of())),
                true,
                LIFETIME.toMillis());
        if (answer != null) {
          answers.put(session, answer);
        }
      }
    }
    // answers are awaited outside the lock, so connections keep opening meanwhile
    for (Map.Entry<String, RedisFuture<Long>> answer : answers.entrySet()) {
      long gone;
      try {
        Long removed = answer.getValue().get(5, TimeUnit.SECONDS);
        gone = removed == null ? 0 : removed;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        unreachable(e);
        continue;
      }
      if (gone > 0) {
        LOG.info(
            "session {}: {} presence entr(ies) lapsed (their instance stopped renewing them)",
            answer.getKey(),
            gone);
        try {
          lapsed.accept(answer.getKey());
        } catch (RuntimeException e) {
          // e.g. the database is away: the next change of the session's members tells them
          LOG.warn(
              "session {}: member update after a lapse failed: {}", answer.getKey(), e.toString());
        }
      }
    }
  }

  /**
   * Stops renewing and lets this instance's remaining entries lapse at once: the other instances
   * stop counting them now, and the next sweep of a session tells its members, as for an instance
   * that died (this one may not be able to tell them any more).
   */
  @Override
  public void close() {
    upkeep.shutdownNow();
    List<RedisFuture<Long>> answers = new ArrayList<>();
    synchronized (this) {
      here.forEach(
          (session, members) -> {
            RedisFuture<Long> answer = keep(session, List.copyOf(members), false, 0);
            if (answer != null) {
              answers.add(answer);
            }
          });
      here.clear();
    }
    for (RedisFuture<Long> answer : answers) {
      try {
        answer.get(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // Redis is away: the entries lapse by themselves
        LOG.debug("presence not withdrawn: {}", e.toString());
      }
    }
  }

  /** Sends the KEEP script without waiting; null when it could not even be sent. */
  private RedisFuture<Long> keep(
      String sessionId, List<String> members, boolean sweep, long lifetimeMs) {
    List<String> args = new ArrayList<>(members.size() + 2);
    args.add(Long.toString(lifetimeMs));
    args.add(sweep ? "1" : "0");
    members.forEach(m -> args.add(entry(m)));
    try {
      RedisFuture<Long> answer =
          redis
              .get()
              .async()
              .eval(
                  KEEP,
                  ScriptOutputType.INTEGER,
                  new String[] {KEY + sessionId},
                  args.toArray(String[]::new));
      answer.whenComplete((n, e) -> answered(e));
      return answer;
    } catch (RuntimeException e) {
      unreachable(e);
      return null;
    }
  }

  /**
   * Removes an entry without waiting. It stays listed as owed until Redis confirms, so a removal
   * Redis did not take is tried again at the next renewal.
   */
  private void remove(String sessionId, String memberId) {
    unremoved.compute(
        sessionId,
        (s, members) -> {
          Set<String> owed = members == null ? ConcurrentHashMap.newKeySet() : members;
          owed.add(memberId);
          return owed;
        });
    try {
      redis
          .get()
          .async()
          .zrem(KEY + sessionId, entry(memberId))
          .whenComplete(
              (n, e) -> {
                if (e == null) {
                  forget(unremoved, sessionId, memberId);
                }
                answered(e);
              });
    } catch (RuntimeException e) {
      unreachable(e);
    }
  }

  private String entry(String memberId) {
    return memberId + "|" + instanceId;
  }

  private static void forget(Map<String, Set<String>> sets, String sessionId, String memberId) {
    sets.computeIfPresent(
        sessionId,
        (s, members) -> {
          members.remove(memberId);
          return members.isEmpty() ? null : members;
        });
  }

  /** On Lettuce's thread: only notes the outcome, never waits. */
  private void answered(Throwable failure) {
    if (failure == null) {
      reachable();
    } else {
      unreachable(failure);
    }
  }

  private void unreachable(Throwable e) {
    // several threads meet the same outage at once: only the first one says so
    if (down.compareAndSet(false, true)) {
      LOG.warn(
          "cluster-wide presence unavailable ({}): member lists show this instance's connections"
              + " only until Redis answers",
          e.getMessage());
    }
  }

  private void reachable() {
    if (down.compareAndSet(true, false)) {
      LOG.info("cluster-wide presence available again");
    }
  }
}
