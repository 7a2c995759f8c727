package org.samesong.sync;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.samesong.common.LoadOnce;
import org.samesong.session.Member;
import org.samesong.sync.api.ServerMessage;
import org.samesong.sync.bus.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in each session followed on this instance, in memory: display names, roles, who is
 * connected (here or, through the presence, anywhere), and what each listener's player reported.
 * Read once from the database when a session is first needed here, then kept up to date by joins,
 * kicks, connections opening and closing, {@code sync_ack}s and the {@code member_update}s of the
 * other instances.
 *
 * <p>Changes are not broadcast one by one: a session's changed members are collected and sent as
 * one {@code member_update} at most every {@link #COALESCE_MS} (joins, leaves, connects), and drift
 * and listener-state reports to the host at most every {@link #DRIFT_INTERVAL_MS}. A join storm of
 * a thousand guests therefore costs each listener a few hundred bytes per join, not a member list
 * per join. Everything that changes the roster is O(1) and does no I/O; the messages are built and
 * published on a thread of the roster's own.
 */
public final class MemberRoster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemberRoster.class);

  /** Changes of a session's members reach everyone at most this often. */
  static final long COALESCE_MS = 250;

  /** Drift and listener-state reports reach the host at most this often per session. */
  static final long DRIFT_INTERVAL_MS = 1000;

  /** How long a revoked login is remembered here, for connections opening at that moment. */
  static final long REVOKED_MEMORY_MS = 60_000;

  private static final Set<String> TO_HOST = Set.of(Member.HOST);

  /** What the roster needs from the rest of the instance. */
  public interface Sources {
    /** The session's active members, from the database (once per session per instance). */
    List<Member> load(String sessionId);

    /** One member from the database, kicked or not (a join made on another instance). */
    java.util.Optional<Member> find(String memberId);

    /** Whether the member has a connection to the session on this instance. */
    boolean connectedHere(String sessionId, String memberId);

    /** The members connected on any instance, given those connected here. */
    Set<String> connectedAnywhere(String sessionId);

    /** Publishes a numbered broadcast to the roles given (never waits for a listener). */
    void publish(String sessionId, Set<String> roles, Function<Long, ServerMessage> message);
  }

  private final Sources sources;
  private final Clock clock;
  private final Map<String, RosterRoom> rooms = new ConcurrentHashMap<>();
  private final LoadOnce<String, RosterRoom> loads = new LoadOnce<>();
  private final Map<String, Long> revoked = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "member-updates");
            t.setDaemon(true);
            return t;
          });

  public MemberRoster(Sources sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
  }

  // ---- what changes the roster (O(1), no I/O)

  /** A guest joined (on this instance). */
  public void joined(String sessionId, Member member) {
    // read from the database if this instance did not follow the session yet (a REST join: the
    // request reads the database anyway), so that everyone hears of the newcomer
    RosterRoom room = room(sessionId);
    synchronized (room) {
      room.members.putIfAbsent(
          member.id(),
          new RosterRoom.Entry(member.id(), member.displayName(), member.role(), null));
      room.left.remove(member.id());
      changed(sessionId, room, member.id());
    }
  }

  /** A member's role changed (a co-host made or unmade, a hand-off): everyone hears of it. */
  public void roleChanged(String sessionId, String memberId, String role) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    synchronized (room) {
      RosterRoom.Entry e = room.members.get(memberId);
      if (e != null && !role.equals(e.role)) {
        room.role(e, role, clock.millis());
        changed(sessionId, room, memberId);
      }
    }
  }

  /**
   * Who is in charge of a session, as held in memory: its host (null: none) and co-hosts.
   *
   * @param since since when (clock ms) this instance has known the host and co-hosts as they are:
   *     when it read the session's members, or when someone last became host or co-host
   */
  public record Staff(String host, List<String> cohosts, long since) {}

  /** The host and co-hosts of a session this instance follows (empty for one it does not). */
  public Optional<Staff> staff(String sessionId) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return Optional.empty();
    }
    synchronized (room) {
      String host = null;
      List<String> cohosts = new ArrayList<>(2);
      for (RosterRoom.Entry e : room.members.values()) {
        if ("host".equals(e.role)) {
          host = e.id;
        } else if ("cohost".equals(e.role)) {
          cohosts.add(e.id);
        }
      }
      return Optional.of(new Staff(host, cohosts, room.staffSince));
    }
  }

  /** A member was removed (kicked). */
  public void removed(String sessionId, String memberId) {
    RosterRoom room = room(sessionId);
    synchronized (room) {
      if (room.members.remove(memberId) != null) {
        room.changed.remove(memberId);
        room.drifted.remove(memberId);
        room.left.add(memberId);
        plan(sessionId, room);
      }
    }
  }

  /** A member's first connection to the session opened on this instance. */
  public void connected(String sessionId, String memberId) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    synchronized (room) {
      RosterRoom.Entry e = room.members.get(memberId);
      if (e != null) {
        // announced even when the entry says connected already: an update published a moment
        // ago (saying "not connected") may have set it on hearing itself back, once this
        // connection was counted and before this call (then nobody would be told of the connect)
        e.connected = true;
        if (e.listenerState == null) {
          e.listenerState = ServerMessage.Member.PLAYING;
        }
        changed(sessionId, room, memberId);
      }
    }
  }

  /** A member's last connection to the session on this instance closed. */
  public void disconnected(String sessionId, String memberId) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    synchronized (room) {
      RosterRoom.Entry e = room.members.get(memberId);
      if (e != null) {
        // the flush asks the presence whether it is connected on another instance
        changed(sessionId, room, memberId);
      }
    }
  }

  /** What a listener's player reported ({@code sync_ack}); the host hears of it, throttled. */
  public void reported(
      String sessionId,
      String memberId,
      double driftMs,
      String listenerState,
      Integer outputLatencyMs) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    synchronized (room) {
      RosterRoom.Entry e = room.members.get(memberId);
      if (e == null) {
        return;
      }
      e.driftMs = driftMs;
      if (listenerState != null) {
        e.listenerState = listenerState;
      }
      if (outputLatencyMs != null) {
        e.outputLatencyMs = outputLatencyMs;
      }
      room.drifted.add(memberId);
      if (!room.driftPlanned) {
        room.driftPlanned = true;
        long delay = Math.max(0, room.lastDrift + DRIFT_INTERVAL_MS - monotonicMillis());
        schedule(() -> flushDrift(sessionId), delay);
      }
    }
  }

  /**
   * A {@code member_update} published anywhere in the cluster (this instance's own included): the
   * members it names are taken as it says, except that a member connected here stays connected.
   */
  public void heard(String sessionId, ServerMessage.MemberUpdate update) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    synchronized (room) {
      for (ServerMessage.Member m : update.members()) {
        RosterRoom.Entry e =
            room.members.computeIfAbsent(
                m.memberId(),
                id -> new RosterRoom.Entry(id, m.displayName(), m.role(), m.driftMs()));
        e.displayName = m.displayName();
        if (m.role() != null) {
          room.role(e, m.role(), clock.millis());
        }
        e.connected = m.connected() || sources.connectedHere(sessionId, m.memberId());
        if (m.driftMs() != null) {
          e.driftMs = m.driftMs();
        }
        if (m.listenerState() != null && m.connected()) {
          e.listenerState = m.listenerState();
        }
        if (m.outputLatencyMs() != null) {
          e.outputLatencyMs = m.outputLatencyMs();
        }
      }
      if (update.left() != null) {
        for (String id : update.left()) {
          room.members.remove(id);
        }
      }
    }
  }

  /** The session ended: its members are forgotten here. */
  public void ended(String sessionId) {
    rooms.remove(sessionId);
  }

  /** A login of a member was revoked: connections opening with it now must not stay. */
  public void loginRevoked(Set<String> familyIds) {
    long until = clock.millis() + REVOKED_MEMORY_MS;
    for (String id : familyIds) {
      revoked.put(id, until);
    }
    if (revoked.size() > 10_000) {
      long now = clock.millis();
      revoked.values().removeIf(t -> t < now);
    }
  }

  /** Whether that login was revoked within the last minute (seen here). */
  public boolean recentlyRevoked(String familyId) {
    Long until = familyId == null ? null : revoked.get(familyId);
    return until != null && until >= clock.millis();
  }

  // ---- what reads it

  /** Reads a session's members if this instance does not hold them yet (one query, once). */
  public void load(String sessionId) {
    room(sessionId);
  }

  /**
   * Whether the member belongs to the session (not kicked). A member this instance has not heard of
   * yet (joined on another instance a moment ago) is looked up in the database once.
   */
  public boolean admit(String sessionId, String memberId) {
    RosterRoom room = room(sessionId);
    synchronized (room) {
      if (room.members.containsKey(memberId)) {
        return true;
      }
    }
    java.util.Optional<Member> found =
        sources.find(memberId).filter(m -> m.sessionId().equals(sessionId) && m.kickedAt() == null);
    if (found.isEmpty()) {
      return false;
    }
    synchronized (room) {
      if (!room.left.contains(memberId)) {
        room.members.putIfAbsent(memberId, entry(found.get(), Set.of()));
      }
      return room.members.containsKey(memberId);
    }
  }

  /** How many members the session has (connected or not). */
  public int count(String sessionId) {
    RosterRoom room = room(sessionId);
    synchronized (room) {
      return room.members.size();
    }
  }

  /** The first {@code limit} members, host first, then in the order they joined. */
  public List<ServerMessage.Member> list(String sessionId, int limit) {
    RosterRoom room = room(sessionId);
    synchronized (room) {
      List<ServerMessage.Member> out = new ArrayList<>(Math.min(limit, room.members.size()));
      for (RosterRoom.Entry e : room.members.values()) {
        if (out.size() >= limit) {
          break;
        }
        out.add(e.json());
      }
      return out;
    }
  }

  /** Each member's last reported drift (what the session view shows). */
  public Map<String, Double> drifts(String sessionId) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return Map.of();
    }
    Map<String, Double> out = new HashMap<>();
    synchronized (room) {
      for (RosterRoom.Entry e : room.members.values()) {
        if (e.driftMs != null) {
          out.put(e.id, e.driftMs);
        }
      }
    }
    return out;
  }

  /**
   * Everybody's connected flag asked again (an instance's entries lapsed, the bus came back): the
   * members whose flag changed are announced, all of them when {@code everyone}.
   */
  public void recheck(String sessionId, boolean everyone) {
    RosterRoom room = rooms.get(sessionId);
    if (room == null) {
      return;
    }
    Set<String> connected = sources.connectedAnywhere(sessionId);
    synchronized (room) {
      for (RosterRoom.Entry e : room.members.values()) {
        boolean now = connected.contains(e.id);
        if (everyone || now != e.connected) {
          e.connected = now;
          room.changed.add(e.id);
        }
      }
      plan(sessionId, room);
    }
  }

  @Override
  public void close() {
    flusher.shutdownNow();
  }

  // ---- inside

  private RosterRoom room(String sessionId) {
    RosterRoom room = rooms.get(sessionId);
    if (room != null) {
      return room;
    }
    // the connections that arrive together after a restart read the members once between them
    return loads.load(
        sessionId,
        () -> {
          RosterRoom held = rooms.get(sessionId);
          if (held != null) {
            return held;
          }
          List<Member> members = sources.load(sessionId);
          Set<String> connected = sources.connectedAnywhere(sessionId);
          RosterRoom loaded = new RosterRoom(clock.millis());
          members.stream()
              .filter(Member::isHost)
              .forEach(m -> loaded.members.put(m.id(), entry(m, connected)));
          members.stream()
              .filter(m -> !m.isHost())
              .forEach(m -> loaded.members.put(m.id(), entry(m, connected)));
          RosterRoom raced = rooms.putIfAbsent(sessionId, loaded);
          return raced == null ? loaded : raced;
        });
  }

  private static RosterRoom.Entry entry(Member m, Set<String> connected) {
    RosterRoom.Entry e = new RosterRoom.Entry(m.id(), m.displayName(), m.role(), m.lastDriftMs());
    e.connected = connected.contains(m.id());
    if (e.connected) {
      e.listenerState = ServerMessage.Member.PLAYING;
    }
    return e;
  }

  /** Throttling runs on real time (the scheduler's), whatever the injected clock says. */
  private static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private void changed(String sessionId, RosterRoom room, String memberId) {
    room.changed.add(memberId);
    plan(sessionId, room);
  }

  /** Plans the session's next member_update (caller holds the room). */
  private void plan(String sessionId, RosterRoom room) {
    if (room.flushPlanned) {
      return;
    }
    room.flushPlanned = true;
    long delay = Math.max(0, room.lastFlush + COALESCE_MS - monotonicMillis());
    schedule(() -> flush(sessionId), delay);
  }

  private void schedule(Runnable task, long delayMs) {
    try {
      flusher.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void flush(String sessionId) {
    try {
      RosterRoom room = rooms.get(sessionId);
      if (room == null) {
        return;
      }
      Set<String> names;
      boolean askPresence = false;
      synchronized (room) {
        room.flushPlanned = false;
        room.lastFlush = monotonicMillis();
        names = new LinkedHashSet<>(room.changed);
        for (String id : names) {
          RosterRoom.Entry e = room.members.get(id);
          if (e != null && e.connected && !sources.connectedHere(sessionId, id)) {
            askPresence = true;
          }
        }
      }
      // asked outside the room's lock: in a cluster it is a question to Redis
      Set<String> anywhere = askPresence ? sources.connectedAnywhere(sessionId) : Set.of();
      List<ServerMessage.Member> members = new ArrayList<>();
      List<String> left;
      int count;
      synchronized (room) {
        for (String id : names) {
          room.changed.remove(id);
          RosterRoom.Entry e = room.members.get(id);
          if (e == null) {
            continue;
          }
          if (!sources.connectedHere(sessionId, id)) {
            e.connected = anywhere.contains(id);
          } else {
            e.connected = true;
          }
          members.add(e.json());
        }
        left = List.copyOf(room.left);
        room.left.clear();
        count = room.members.size();
      }
      if (members.isEmpty() && left.isEmpty()) {
        return;
      }
      sources.publish(
          sessionId,
          Envelope.EVERYONE,
          seq -> new ServerMessage.MemberUpdate(seq, clock.millis(), members, left, count));
    } catch (RuntimeException e) {
      LOG.warn("session {}: member update failed: {}", sessionId, e.toString());
    }
  }

  private void flushDrift(String sessionId) {
    try {
      RosterRoom room = rooms.get(sessionId);
      if (room == null) {
        return;
      }
      List<ServerMessage.Member> members = new ArrayList<>();
      int count;
      synchronized (room) {
        room.driftPlanned = false;
        room.lastDrift = monotonicMillis();
        for (String id : room.drifted) {
          RosterRoom.Entry e = room.members.get(id);
          if (e != null) {
            members.add(e.json());
          }
        }
        room.drifted.clear();
        count = room.members.size();
      }
      if (members.isEmpty()) {
        return;
      }
      sources.publish(
          sessionId,
          TO_HOST,
          seq -> new ServerMessage.MemberUpdate(seq, clock.millis(), members, List.of(), count));
    } catch (RuntimeException e) {
      LOG.warn("session {}: drift update failed: {}", sessionId, e.toString());
    }
  }
}
