package org.samesong.sync.bus;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToLongBiFunction;
import java.util.function.ToLongFunction;

/**
 * The event bus of a single instance: publishing hands the envelope straight to the subscribers
 * (the hub only queues it per connection, so this never waits for a listener). Sequence numbers
 * come in blocks reserved in the database, so they keep growing across restarts without a write per
 * message.
 */
public class InProcessEventBus implements EventBus {
  static final int BLOCK = 1000;

  private final List<Consumer<Envelope>> subscribers = new CopyOnWriteArrayList<>();
  private final ToLongBiFunction<String, Integer> reserve;
  private final ToLongFunction<String> stored;
  private final ConcurrentHashMap<String, long[]> blocks = new ConcurrentHashMap<>();
  private final String instanceId = UUID.randomUUID().toString();

  /**
   * @param reserve reserves {@code n} numbers of a session's sequence and returns the last of them
   */
  public InProcessEventBus(
      ToLongBiFunction<String, Integer> reserve, ToLongFunction<String> stored) {
    this.reserve = reserve;
    this.stored = stored;
  }

  @Override
  public long currentSeq(String sessionId) {
    long[] block = blocks.computeIfAbsent(sessionId, id -> new long[] {0, 0});
    synchronized (block) {
      if (block[0] > 0) {
        return block[0];
      }
    }
    // nothing numbered here yet (e.g. after a restart): the stored top, read once and kept as
    // the current number, so that the next broadcast is numbered above it. (A block reserved at
    // this moment by a publish may already be in the stored top: then the publish's block is not
    // used, the numbers skip it, and no broadcast carries a number below one a reply carried.)
    long top = stored.applyAsLong(sessionId);
    synchronized (block) {
      if (block[0] == 0) {
        block[0] = top;
        block[1] = top;
      }
      // numbered meanwhile: that is the current number (the top read may be its block's end)
      return block[0];
    }
  }

  /**
   * Numbers, builds and hands the envelope to the subscribers as one step per session, so every
   * listener receives a session's broadcasts in the order of their numbers. The subscribers only
   * queue (the hub queues per connection; sends and closes run on threads of their own), so the
   * session's lock is held for the numbering, the build and the queuing, never while a socket is
   * written or closed, nor while a block of numbers is reserved in the database: a caller waiting
   * for this lock may hold a pooled connection (a publish after a commit), and the pool may have no
   * other one to give.
   */
  @Override
  public long publish(String sessionId, LongFunction<Envelope> build) {
    long[] block = blocks.computeIfAbsent(sessionId, id -> new long[] {0, 0});
    while (true) {
      synchronized (block) {
        if (block[0] < block[1]) {
          long seq = ++block[0];
          deliver(build.apply(seq));
          return seq;
        }
      }
      refill(sessionId, block);
    }
  }

  @Override
  public void publishControl(Envelope envelope) {
    deliver(envelope);
  }

  @Override
  public void subscribe(Consumer<Envelope> subscriber) {
    subscribers.add(subscriber);
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  /** The next number of a session's sequence, at least {@code floor}. */
  long next(String sessionId, long floor) {
    long[] block = blocks.computeIfAbsent(sessionId, id -> new long[] {0, 0});
    while (true) {
      synchronized (block) {
        if (block[0] < floor - 1) {
          block[0] = floor - 1;
        }
        if (block[0] < block[1]) {
          return ++block[0];
        }
      }
      refill(sessionId, block);
    }
  }

  /**
   * Reserves the next block of a session's numbers, without the session's lock. Two threads may
   * both find the block spent and reserve one each: the later reservation is then not needed, and
   * the numbers skip it.
   */
  private void refill(String sessionId, long[] block) {
    long last = reserve.applyAsLong(sessionId, BLOCK);
    synchronized (block) {
      if (block[0] >= block[1] && last > block[0]) {
        block[0] = Math.max(block[0], last - BLOCK);
        block[1] = last;
      }
    }
  }

  private void deliver(Envelope envelope) {
    for (Consumer<Envelope> subscriber : subscribers) {
      subscriber.accept(envelope);
    }
  }
}
