package org.samesong.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Lookups by key that arrive together are answered by one bulk query: whoever finds the lookup free
 * takes every key queued by then (up to {@code maxBatch}) and asks for all of them at once; the
 * others wait for their own answer. Alone, a lookup is one query as before; in a burst (thousands
 * of listeners reconnecting after a restart, each handshake checking its token) it is one query per
 * batch instead of one per caller, and the callers do not each hold a pooled connection while they
 * queue for the database.
 */
public final class BatchedLookup<K, V> {
  private static final class Pending<K, V> {
    final K key;
    V value;
    RuntimeException failure;
    volatile boolean done;

    Pending(K key) {
      this.key = key;
    }
  }

  private final Function<Set<K>, Map<K, V>> bulk;
  private final int maxBatch;
  private final ConcurrentLinkedQueue<Pending<K, V>> waiting = new ConcurrentLinkedQueue<>();
  private final Object turn = new Object();

  /**
   * @param bulk answers a set of keys at once: the keys it knows, with their values (a key left out
   *     has no value)
   */
  public BatchedLookup(Function<Set<K>, Map<K, V>> bulk, int maxBatch) {
    this.bulk = bulk;
    this.maxBatch = maxBatch;
  }

  public Optional<V> get(K key) {
    Pending<K, V> mine = new Pending<>(key);
    waiting.add(mine);
    while (!mine.done) {
      synchronized (turn) {
        if (!mine.done) {
          List<Pending<K, V>> batch = new ArrayList<>();
          for (Pending<K, V> p; batch.size() < maxBatch && (p = waiting.poll()) != null; ) {
            batch.add(p);
          }
          run(batch);
        }
      }
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return Optional.ofNullable(mine.value);
  }

  private void run(List<Pending<K, V>> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Set<K> keys = new LinkedHashSet<>();
    for (Pending<K, V> p : batch) {
      keys.add(p.key);
    }
    try {
      Map<K, V> found = bulk.apply(keys);
      for (Pending<K, V> p : batch) {
        p.value = found.get(p.key);
      }
    } catch (RuntimeException e) {
      for (Pending<K, V> p : batch) {
        p.failure = e;
      }
    } finally {
      for (Pending<K, V> p : batch) {
        p.done = true;
      }
    }
  }
}
