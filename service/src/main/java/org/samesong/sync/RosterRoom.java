package org.samesong.sync;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
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
