package org.samesong.bench;

import static org.samesong.bench.FanoutBench.trackDurationMs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A session of the fan-out benchmark: its ids and host token, its host and guests, its recent
 * commands.
 */
final class FanoutRoom {
  final int index;
  String id;
  String code;
  String hostToken;
  FanoutClient host;
  final List<FanoutClient> members = Collections.synchronizedList(new ArrayList<>());
  final AtomicReferenceArray<HostCommand> recent = new AtomicReferenceArray<>(8);
  int recentNext;
  volatile String state = "";
  volatile long position = -1;

  FanoutRoom(int index) {
    this.index = index;
  }

  synchronized void remember(HostCommand c) {
    recent.set(recentNext++ % recent.length(), c);
  }

  /** A position for a seek that none of the recent commands of this room used. */
  long freshPosition() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long hi = Math.max(3_000, trackDurationMs - 8_000);
    while (true) {
      long p = 2_000 + rnd.nextLong(hi - 2_000);
      boolean used = false;
      for (int i = 0; i < recent.length(); i++) {
        HostCommand c = recent.get(i);
        if (c != null && Math.abs(c.position - p) < 50) {
          used = true;
        }
      }
      if (!used) {
        return p;
      }
    }
  }

  /** Guests with a hello now (those a broadcast sent now must reach). */
  int connectedGuests() {
    int n = 0;
    synchronized (members) {
      for (FanoutClient c : members) {
        if (c.isOpen()) {
          n++;
        }
      }
    }
    return n;
  }
}
