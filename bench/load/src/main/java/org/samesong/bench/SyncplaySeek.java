package org.samesong.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A seek of a room's seeker in flight, and how many of the others have seen it. */
final class SyncplaySeek {
  static final AtomicLong cmdIds = new AtomicLong();

  final long id;
  final double position;
  final long sentNanos;
  final int expected;
  final AtomicInteger received = new AtomicInteger();

  SyncplaySeek(long id, double position, long sentNanos, int expected) {
    this.id = id;
    this.position = position;
    this.sentNanos = sentNanos;
    this.expected = expected;
  }
}
