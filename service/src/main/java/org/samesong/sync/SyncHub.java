package org.samesong.sync;

import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.samesong.sync.bus.Envelope;
import org.samesong.sync.bus.EventBus;
import org.samesong.sync.bus.Presence;
import org.samesong.sync.ws.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this instance: which connections listen to which session, and the delivery of
 * envelopes to them. Delivery only queues per connection, messages and closes alike, so it never
 * waits for a slow listener and never runs a socket's close.
 */
public class SyncHub {
  private static final Logger LOG = LoggerFactory.getLogger(SyncHub.class);
  public static final CloseReason.CloseCode KICKED = CloseReason.CloseCodes.getCloseCode(4403);
  public static final CloseReason.CloseCode ENDED = CloseReason.CloseCodes.getCloseCode(4410);
  public static final CloseReason.CloseCode REVOKED = CloseReason.CloseCodes.getCloseCode(4401);

  private final Map<String, Set<Connection>> rooms = new ConcurrentHashMap<>();
  private final Map<String, Set<Consumer<Envelope>>> watchers = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, AtomicInteger> byRole = new ConcurrentHashMap<>();

  /** This instance's connections by their player's last reported state, kept as they change. */
  private final Map<String, AtomicInteger> byState = new ConcurrentHashMap<>();

  private final String instanceId;

  private final EventBus bus;
  private final Presence presence;
  private volatile BiConsumer<String, String> memberArrived = (s, m) -> {};
  private volatile BiConsumer<String, String> memberLeft = (s, m) -> {};
  private volatile BiFunction<String, String, String> streamUrls = (json, memberId) -> json;

  /**
   * Per session, how many connections each member has here; guarded by itself, so that the presence
   * hears of a member's first and last connection in the order they happened.
   */
  private final Map<String, Map<String, Integer>> perMember = new HashMap<>();

  /** A hub that knows only what it delivers (tests). */
  public SyncHub(String instanceId) {
    this.instanceId = instanceId;
    this.bus = null;
    this.presence = Presence.LOCAL;
  }

  /**
   * The hub of an application: direct replies before any broadcast ask the bus for the number, and
   * presence is the bus's (shared by the instances of a cluster).
   */
  public SyncHub(EventBus bus) {
    this.instanceId = bus.instanceId();
    this.bus = bus;
    this.presence = bus.presence();
  }

  /**
   * Who hears of a member's first connection to a session here and of its last one closing (told
   * after the hub's own bookkeeping, outside its locks; must not wait).
   */
  public void onMembers(BiConsumer<String, String> arrived, BiConsumer<String, String> left) {
    this.memberArrived = arrived;
    this.memberLeft = left;
  }

  /**
   * Who binds the stream URLs of a broadcast (made for nobody, serialised once) to the member of
   * the connection it goes to, so that a kicked member's URLs stop with it: {@code (json, memberId)
   * -> json}. Only broadcasts that carry a URL (a playlist add, a resync) pay for it.
   */
  public void bindStreamUrls(BiFunction<String, String, String> binder) {
    this.streamUrls = binder;
  }

  /**
   * A broadcast's JSON with its stream URLs bound to a member, as a connection of that member gets
   * it (the JSON itself when it carries none).
   */
  public String forMember(String json, String memberId) {
    return json != null && json.contains("/stream?exp=") ? streamUrls.apply(json, memberId) : json;
  }

  /** Whether the member has an open connection to the session here (O(1)). */
  public boolean connectedHere(String sessionId, String memberId) {
    synchronized (perMember) {
      Map<String, Integer> members = perMember.get(sessionId);
      return members != null && members.getOrDefault(memberId, 0) > 0;
    }
  }

  public void register(Connection c) {
    synchronized (c) {
      // with the count by state: a report in between would otherwise be counted twice
      rooms.computeIfAbsent(c.sessionId(), id -> ConcurrentHashMap.newKeySet()).add(c);
      stateCount(c.listenerState()).incrementAndGet();
    }
    connections.incrementAndGet();
    byRole.computeIfAbsent(c.role(), r -> new AtomicInteger()).incrementAndGet();
    boolean first;
    synchronized (perMember) {
      int count =
          perMember
              .computeIfAbsent(c.sessionId(), id -> new HashMap<>())
              .merge(c.memberId(), 1, Integer::sum);
      first = count == 1;
      if (first) {
        presence.arrived(c.sessionId(), c.memberId());
      }
    }
    if (first) {
      memberArrived.accept(c.sessionId(), c.memberId());
    }
  }

  /** Removes a connection; true when it was registered. */
  public boolean unregister(Connection c) {
    synchronized (c) {
      Set<Connection> room = rooms.get(c.sessionId());
      if (room == null || !room.remove(c)) {
        return false;
      }
      stateCount(c.listenerState()).decrementAndGet();
    }
    connections.decrementAndGet();
    byRole.get(c.role()).decrementAndGet();
    rooms.computeIfPresent(c.sessionId(), (id, set) -> set.isEmpty() ? null : set);
    boolean last = false;
    synchronized (perMember) {
      Map<String, Integer> members = perMember.get(c.sessionId());
      Integer left = members == null ? null : members.merge(c.memberId(), -1, Integer::sum);
      if (left != null && left <= 0) {
        members.remove(c.memberId());
        if (members.isEmpty()) {
          perMember.remove(c.sessionId());
        }
        presence.left(c.sessionId(), c.memberId());
        last = true;
      }
    }
    if (last) {
      memberLeft.accept(c.sessionId(), c.memberId());
    }
    return true;
  }

  /** Hands an envelope to this instance's connections of its session. */
  public void deliver(Envelope e) {
    if (Envelope.SETTINGS.equals(e.kind())) {
      return;
    }
    if (e.seq() > 0) {
      lastSeq.merge(e.sessionId(), e.seq(), Math::max);
    }
    if (e.origin() != null && !e.origin().equals(instanceId)) {
      return;
    }
    notifyWatchers(e);
    Set<Connection> room = rooms.get(e.sessionId());
    if (room == null) {
      return;
    }
    // the fan-out latency is that of changes; heartbeats (with an origin) are not measured
    long measured = e.origin() == null ? e.createdMicros() : 0;
    boolean carriesUrls = e.json() != null && e.json().contains("/stream?exp=");
    // closes only queue too: the socket is closed on a thread of the connection's, since a close
    // may run onClose (a member update, the database) at once on the closing thread, and this one
    // may be inside the bus's per-session step (or Lettuce's event loop). The sends start after
    // the loop, a few tasks for the whole room.
    List<Connection> toStart = new ArrayList<>();
    for (Connection c : room) {
      switch (e.kind()) {
        case Envelope.KICK -> {
          if (e.memberIds().contains(c.memberId())) {
            c.sendAndClose(null, KICKED, "removed from the session");
          }
        }
        case Envelope.REVOKE -> {
          if (e.memberIds().contains(c.familyId())) {
            // at once: what is still queued is not for a revoked login
            c.close(REVOKED, "the login was revoked");
          }
        }
        case Envelope.RIGHTS -> {
          if (e.memberIds().contains(c.memberId())) {
            c.rights(e.rights());
            if (e.json() != null) {
              c.send(e.json());
            }
          }
        }
        // session_ended goes next (what waits behind it is moot now), the close after it
        case Envelope.END -> c.sendAndClose(e.json(), ENDED, "the session ended");
        default -> {
          if (e.reaches(c.rights().audience(), c.memberId())
              && c.offer(
                  carriesUrls ? streamUrls.apply(e.json(), c.memberId()) : e.json(), measured)) {
            toStart.add(c);
          }
        }
      }
    }
    Connection.startAll(toStart);
  }

  /**
   * Closes (4401) every connection here whose token expired without a {@code reauth}: a sweep over
   * the rooms, one volatile read per connection, no lock held and nothing read from anywhere; the
   * closes only queue (see {@link Connection#close}).
   *
   * @return how many it closed
   */
  public int closeExpired(long nowMs) {
    int closed = 0;
    for (Set<Connection> room : rooms.values()) {
      for (Connection c : room) {
        if (c.tokenExpired(nowMs) && c.isOpen()) {
          c.close(REVOKED, "the token expired");
          closed++;
        }
      }
    }
    return closed;
  }

  /**
   * Sends every open connection here a direct message built for its session (once per session).
   *
   * @return how many connections it went to
   */
  public int sendToEveryone(java.util.function.Function<String, String> messageForSession) {
    int sent = 0;
    for (Map.Entry<String, Set<Connection>> room : rooms.entrySet()) {
      String json = null;
      for (Connection c : room.getValue()) {
        if (c.isOpen()) {
          if (json == null) {
            json = messageForSession.apply(room.getKey());
          }
          c.send(json);
          sent++;
        }
      }
    }
    return sent;
  }

  /**
   * Follows a session's broadcasts on this instance without a WebSocket: what the server-side views
   * (the Vaadin screens) use to update live from the same bus as the listeners. The watcher runs on
   * the delivering thread (a request's, or the Redis client's event loop) and must only hand the
   * work on to a thread of its own: {@code UI.access} alone is not enough, it runs the work at once
   * when the UI's lock is free.
   *
   * @return closes the subscription
   */
  public AutoCloseable watch(String sessionId, Consumer<Envelope> watcher) {
    watchers.computeIfAbsent(sessionId, id -> new CopyOnWriteArraySet<>()).add(watcher);
    return () ->
        watchers.computeIfPresent(
            sessionId,
            (id, set) -> {
              set.remove(watcher);
              return set.isEmpty() ? null : set;
            });
  }

  private void notifyWatchers(Envelope e) {
    Set<Consumer<Envelope>> set = watchers.get(e.sessionId());
    if (set == null) {
      return;
    }
    for (Consumer<Envelope> watcher : set) {
      try {
        watcher.accept(e);
      } catch (RuntimeException failure) {
        LOG.warn("a session watcher failed: {}", failure.toString());
      }
    }
  }

  /**
   * The number of the last broadcast of a session seen here (what direct replies carry); before
   * any, the bus's current number (after a restart, the stored one).
   */
  public long lastSeq(String sessionId) {
    Long seen = lastSeq.get(sessionId);
    if (seen != null || bus == null) {
      return seen == null ? 0 : seen;
    }
    // asked once per session and instance (a hello or pong must not cost a read of the database or
    // Redis); from then on every broadcast of the session that reaches this hub moves it on
    return lastSeq.merge(sessionId, bus.currentSeq(sessionId), Math::max);
  }

  /**
   * The members of a session with an open connection on any instance of the cluster (with one
   * instance: here); one question to the shared presence at most.
   */
  public Set<String> connectedAnywhere(String sessionId) {
    return presence.connected(sessionId, connectedMembers(sessionId));
  }

  /** The members of a session with an open connection here, in one pass over its room. */
  public Set<String> connectedMembers(String sessionId) {
    Set<Connection> room = rooms.get(sessionId);
    if (room == null) {
      return Set.of();
    }
    Set<String> members = new java.util.HashSet<>();
    for (Connection c : room) {
      if (c.isOpen()) {
        members.add(c.memberId());
      }
    }
    return members;
  }

  /** Sessions with at least one connection here. */
  public Set<String> sessions() {
    return rooms.keySet();
  }

  /** The sessions someone follows on this instance: listeners' or server-side views'. */
  public Set<String> followedSessions() {
    Set<String> followed = new java.util.HashSet<>(rooms.keySet());
    followed.addAll(watchers.keySet());
    return followed;
  }

  public int connectionCount() {
    return connections.get();
  }

  /** This instance's connections of members with that role ({@code host}, {@code guest}). */
  public int connectionCount(String role) {
    AtomicInteger count = byRole.get(role);
    return count == null ? 0 : count.get();
  }

  /**
   * A connection's player reported its state ({@code sync_ack}): the count by state follows, O(1).
   * A connection not (or no longer) registered changes only its own field.
   */
  public void listenerStateReported(Connection c, String state) {
    synchronized (c) {
      String before = c.listenerState(state);
      if (before.equals(state)) {
        return;
      }
      Set<Connection> room = rooms.get(c.sessionId());
      if (room != null && room.contains(c)) {
        stateCount(before).decrementAndGet();
        stateCount(state).incrementAndGet();
      }
    }
  }

  /** This instance's connections whose player last reported {@code state}. */
  public int connectionCountByState(String state) {
    AtomicInteger count = byState.get(state);
    return count == null ? 0 : count.get();
  }

  private AtomicInteger stateCount(String state) {
    return byState.computeIfAbsent(state, s -> new AtomicInteger());
  }

  public int sessionCount() {
    return rooms.size();
  }
}
