package org.samesong.sync;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.samesong.sync.api.ServerMessage;

/**
 * One session's members as the {@link MemberRoster} holds them, and what has changed since they
 * were last announced. Guarded by itself: the roster changes and reads it only while holding it.
 */
final class RosterRoom {
  /** Host first, then in the order they joined. */
  final LinkedHashMap<String, Entry> members = new LinkedHashMap<>();

  final Set<String> changed = new LinkedHashSet<>();
  final Set<String> left = new LinkedHashSet<>();
  final Set<String> drifted = new LinkedHashSet<>();
  boolean flushPlanned;
  boolean driftPlanned;
  long lastFlush = Long.MIN_VALUE / 2;
  long lastDrift = Long.MIN_VALUE / 2;

  /** Members without a connection anywhere, as this room knows them. */
  private int offline;

  /**
   * The roster's count of offline members, once this room is in the roster (null before, after).
   */
  private LongAdder offlineTotal;

  /** Adds (or replaces) a member, counted while offline. */
  void put(Entry e) {
    remove(e.id);
    members.put(e.id, e);
    if (!e.connected) {
      adjust(1);
    }
  }

  /** Adds a member unless one with its id is there; returns the member held. */
  Entry putIfAbsent(Entry e) {
    Entry held = members.get(e.id);
    if (held != null) {
      return held;
    }
    put(e);
    return e;
  }

  /** Removes a member; returns it, or null when it was not there. */
  Entry remove(String id) {
    Entry e = members.remove(id);
    if (e != null && !e.connected) {
      adjust(-1);
    }
    return e;
  }

  /** Sets a member's connected flag, keeping the offline count. */
  void connected(Entry e, boolean connected) {
    if (e.connected != connected && members.get(e.id) == e) {
      adjust(connected ? -1 : 1);
    }
    e.connected = connected;
  }

  /** The room is now the roster's: its offline members count in {@code total} from now on. */
  void countIn(LongAdder total) {
    offlineTotal = total;
    total.add(offline);
  }

  /** The room left the roster (the session ended): its members no longer count. */
  void uncount() {
    if (offlineTotal != null) {
      offlineTotal.add(-offline);
      offlineTotal = null;
    }
  }

  private void adjust(int delta) {
    offline += delta;
    if (offlineTotal != null) {
      offlineTotal.add(delta);
    }
  }

  /**
   * Since when (clock ms) this instance has known the session's host and co-hosts as they are: when
   * the room was read, or when someone last became host or co-host. A host's absence counts towards
   * a hand-off from no earlier than this (until then nobody could have taken over, or this instance
   * did not watch).
   */
  long staffSince;

  RosterRoom(long loadedAt) {
    this.staffSince = loadedAt;
  }

  /** Gives a member a role; a new host or co-host restarts {@link #staffSince}. */
  void role(Entry e, String role, long now) {
    if (!role.equals(e.role) && ("host".equals(role) || "cohost".equals(role))) {
      staffSince = now;
    }
    e.role = role;
  }

  /** One member as the roster holds it; guarded by its room. */
  static final class Entry {
    final String id;
    String displayName;
    String role;
    boolean connected;
    String listenerState;
    Double driftMs;
    Integer outputLatencyMs;

    Entry(String id, String displayName, String role, Double driftMs) {
      this.id = id;
      this.displayName = displayName;
      this.role = role;
      this.driftMs = driftMs;
    }

    ServerMessage.Member json() {
      return new ServerMessage.Member(
          id,
          displayName,
          role,
          connected,
          connected ? listenerState : ServerMessage.Member.OFFLINE,
          driftMs,
          outputLatencyMs);
    }
  }
}
