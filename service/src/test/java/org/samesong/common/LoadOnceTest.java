package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadOnceTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void callers_that_arrive_during_a_load_share_its_result() throws Exception {
    LoadOnce<String, String> once = new LoadOnce<>();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> first =
        pool.submit(
            () ->
                once.load(
                    "s-1",
                    () -> {
                      loads.incrementAndGet();
                      started.countDown();
                      await(release);
                      return "loaded";
                    }));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    List<Future<String>> others = new ArrayList<>();
    List<Thread> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 15; i++) {
      others.add(
          pool.submit(
              () -> {
                callers.add(Thread.currentThread());
                return once.load(
                    "s-1",
                    () -> {
                      loads.incrementAndGet();
                      return "loaded again";
                    });
              }));
    }
    // every other caller is either parked waiting for the first load or done (it must not be)
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end
        && !(callers.size() == 15
            && callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING))
        && others.stream().noneMatch(Future::isDone)) {
      Thread.sleep(5);
    }
    assertThat(others).noneMatch(Future::isDone);
    assertThat(loads).hasValue(1);
    release.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("loaded");
    for (Future<String> f : others) {
      assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("loaded");
    }
    assertThat(loads).hasValue(1);
  }

  @Test
  void a_failed_load_fails_every_waiting_caller_with_its_exception_and_the_next_load_runs_again()
      throws Exception {
    LoadOnce<String, String> once = new LoadOnce<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> first =
        pool.submit(
            () ->
                once.load(
                    "s-1",
                    () -> {
                      started.countDown();
                      await(release);
                      throw ApiException.notFound("session");
                    }));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch waiting = new CountDownLatch(1);
    Future<String> second =
        pool.submit(
            () -> {
              waiting.countDown();
              return once.load("s-1", () -> "should not be needed");
            });
    assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
    release.countDown();

    assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ApiException.class);
    // the second caller either waited for the failed load (same exception) or came after it
    try {
      assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("should not be needed");
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ApiException.class);
    }
    assertThat(once.load("s-1", () -> "fresh")).isEqualTo("fresh");
  }

  @Test
  void loads_of_different_keys_do_not_wait_for_each_other() throws Exception {
    LoadOnce<String, String> once = new LoadOnce<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> slow =
        pool.submit(
            () ->
                once.load(
                    "s-1",
                    () -> {
                      started.countDown();
                      await(release);
                      return "one";
                    }));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.submit(() -> once.load("s-2", () -> "two")).get(5, TimeUnit.SECONDS))
        .isEqualTo("two");
    release.countDown();
    assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("one");
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
