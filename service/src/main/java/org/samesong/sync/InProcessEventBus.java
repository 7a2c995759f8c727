package org.samesong.sync;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ToLongBiFunction;

/**
 * The event bus of a single instance: publishing hands the envelope straight to the subscribers
 * (the hub only queues it per connection, so this never blocks). Sequence numbers come in blocks
 * reserved in the database, so they keep growing across restarts without a write per message.
 */
public class InProcessEventBus implements EventBus {
  static final int BLOCK = 1000;

  private final List<Consumer<Envelope>> subscribers = new CopyOnWriteArrayList<>();
  private final ToLongBiFunction<String, Integer> reserve;
  private final ConcurrentHashMap<String, long[]> blocks = new ConcurrentHashMap<>();

  /**
   * @param reserve reserves {@code n} numbers of a session's sequence and returns the last of them
   */
  public InProcessEventBus(ToLongBiFunction<String, Integer> reserve) {
    this.reserve = reserve;
  }

  @Override
  public void publish(Envelope envelope) {
    for (Consumer<Envelope> subscriber : subscribers) {
      subscriber.accept(envelope);
    }
  }

  @Override
  public void subscribe(Consumer<Envelope> subscriber) {
    subscribers.add(subscriber);
  }

  @Override
  public long nextSeq(String sessionId) {
    long[] block = blocks.computeIfAbsent(sessionId, id -> new long[] {0, 0});
    synchronized (block) {
      if (block[0] >= block[1]) {
        long last = reserve.applyAsLong(sessionId, BLOCK);
        block[0] = last - BLOCK;
        block[1] = last;
      }
      return ++block[0];
    }
  }
}
