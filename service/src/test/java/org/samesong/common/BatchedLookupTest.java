package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchedLookupTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(40);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void a_lookup_alone_is_one_query_for_its_key() {
    List<Set<String>> queries = new ArrayList<>();
    BatchedLookup<String, Integer> lookup =
        new BatchedLookup<>(
            keys -> {
              queries.add(Set.copyOf(keys));
              return keys.contains("a") ? Map.of("a", 1) : Map.of();
            },
            10);

    assertThat(lookup.get("a")).contains(1);
    assertThat(lookup.get("b")).isEmpty();
    assertThat(queries).containsExactly(Set.of("a"), Set.of("b"));
  }

  @Test
  void lookups_that_queue_behind_a_running_query_are_answered_together() throws Exception {
    List<Set<String>> queries = new CopyOnWriteArrayList<>();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BatchedLookup<String, String> lookup =
        new BatchedLookup<>(
            keys -> {
              queries.add(Set.copyOf(keys));
              if (keys.contains("first")) {
                firstRunning.countDown();
                await(release);
              }
              Map<String, String> out = new HashMap<>();
              keys.forEach(k -> out.put(k, k.toUpperCase()));
              return out;
            },
            25);
    Future<Optional<String>> first = pool.submit(() -> lookup.get("first"));
    assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
    List<Thread> callers = new CopyOnWriteArrayList<>();
    List<Future<Optional<String>>> others = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String key = "k" + i;
      others.add(
          pool.submit(
              () -> {
                callers.add(Thread.currentThread());
                return lookup.get(key);
              }));
    }
    // all 30 queue while the first query runs
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end
        && !(callers.size() == 30
            && callers.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED))) {
      Thread.sleep(5);
    }
    release.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS)).contains("FIRST");
    for (int i = 0; i < 30; i++) {
      assertThat(others.get(i).get(5, TimeUnit.SECONDS)).contains("K" + i);
    }
    // one query for the first, then the 30 that queued meanwhile in batches of at most 25
    assertThat(queries).hasSize(3);
    assertThat(queries.get(1)).hasSize(25);
    assertThat(queries.get(2)).hasSize(5);
  }

  @Test
  void a_failed_query_fails_every_lookup_of_its_batch_and_the_next_one_runs_again() {
    boolean[] fail = {true};
    BatchedLookup<String, String> lookup =
        new BatchedLookup<>(
            keys -> {
              if (fail[0]) {
                throw new IllegalStateException("database down");
              }
              return Map.of("a", "A");
            },
            10);

    assertThatThrownBy(() -> lookup.get("a")).hasMessage("database down");
    fail[0] = false;
    assertThat(lookup.get("a")).contains("A");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
