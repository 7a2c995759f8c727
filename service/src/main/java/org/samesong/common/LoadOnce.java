package org.samesong.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Loads of the same key that run at the same time are done once: the first caller loads, the others
 * wait for its result (or its exception) without holding a lock, so a burst of connections to a
 * session that this instance has not loaded yet (after a restart: thousands at once) costs one read
 * of the database, not one per connection. Nothing is kept once the load is done: the caller's own
 * map holds the result, and the loader should look there first (a caller that missed it just before
 * the load finished comes here after the load has gone).
 */
public final class LoadOnce<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

  public V load(K key, Supplier<V> loader) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = loading.putIfAbsent(key, mine);
    if (theirs != null) {
      try {
        return theirs.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
    try {
      V value = loader.get();
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(key, mine);
    }
  }
}
