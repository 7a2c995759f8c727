package org.samesong.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** A Syncplay room: its clients, its seeker, and the seeker's recent seeks. */
final class SyncplayRoom {
  final String name;
  final List<SyncplayClient> members = new ArrayList<>();
  SyncplayClient seeker;
  final AtomicReferenceArray<SyncplaySeek> recent = new AtomicReferenceArray<>(8);
  int recentNext;

  SyncplayRoom(String name) {
    this.name = name;
  }

  synchronized void remember(SyncplaySeek c) {
    recent.set(recentNext++ % recent.length(), c);
  }

  double freshPosition() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    while (true) {
      double p = Math.round((5 + rnd.nextDouble() * 50) * 1000) / 1000.0;
      boolean used = false;
      for (int i = 0; i < recent.length(); i++) {
        SyncplaySeek c = recent.get(i);
        if (c != null && Math.abs(c.position - p) < 2) {
          used = true;
        }
      }
      if (!used) {
        return p;
      }
    }
  }

  int others(SyncplayClient except) {
    int n = 0;
    for (SyncplayClient c : members) {
      if (c != except && c.helloSeen && c.open) {
        n++;
      }
    }
    return n;
  }
}
