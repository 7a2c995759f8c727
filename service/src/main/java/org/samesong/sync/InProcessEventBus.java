package org.samesong.sync;

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
 * (the hub only queues it per connection, so this never blocks). Sequence numbers come in blocks
 * reserved in the database, so they keep growing across restarts without a write per message.
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
    long[] block = blocks.get(sessionId);
    if (block != null) {
      synchronized (block) {
        if (block[0] > 0) {
          return block[0];
        }
      }
    }
    // nothing numbered here yet (e.g. after a restart): the next number is above what is stored
    return stored.applyAsLong(sessionId);
  }

  @Override
  public long publish(String sessionId, LongFunction<Envelope> build) {
    long[] block = blocks.computeIfAbsent(sessionId, id -> new long[] {0, 0});
    synchronized (block) {
      long seq = next(sessionId, block);
      deliver(build.apply(seq));
      return seq;
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
    synchronized (block) {
      if (block[0] < floor - 1) {
        block[0] = floor - 1;
      }
      return next(sessionId, block);
    }
  }

  private long next(String sessionId, long[] block) {
    if (block[0] >= block[1]) {
      long last = reserve.applyAsLong(sessionId, BLOCK);
      block[0] = Math.max(block[0], last - BLOCK);
      block[1] = last;
    }
    return ++block[0];
  }

  private void deliver(Envelope envelope) {
    for (Consumer<Envelope> subscriber : subscribers) {
      subscriber.accept(envelope);
    }
  }
}
