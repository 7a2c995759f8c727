package org.samesong.sync.bus;

import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Carries envelopes from where a change happened to every instance's connections: in-process for
 * one instance, Redis pub/sub for a cluster.
 */
public interface EventBus extends AutoCloseable {
  /**
   * Numbers the next broadcast of a session, builds it with that number and publishes it, as one
   * step per session across all instances, so that every listener receives a session's broadcasts
   * in the order of their numbers.
   *
   * @return the number given
   */
  long publish(String sessionId, LongFunction<Envelope> build);

  /**
   * The number of the session's last broadcast, or one that no later broadcast will go below (what
   * direct replies such as {@code hello} carry).
   */
  long currentSeq(String sessionId);

  /** Publishes an unnumbered control envelope (kick, settings). */
  void publishControl(Envelope envelope);

  /** Receives every envelope published anywhere. */
  void subscribe(Consumer<Envelope> subscriber);

  /** This instance's id (heartbeats are delivered only by their origin). */
  String instanceId();

  /**
   * Registers work to run after the bus may have lost messages: its link to the other instances
   * broke and came back (Redis went away). The listeners re-send their clients what they may have
   * missed. Runs on a thread of the bus's own, never on a caller's.
   */
  default void onReconnect(Runnable listener) {}

  /**
   * Who is connected where: shared by the instances the bus links (with one instance, its own
   * connections).
   */
  default Presence presence() {
    return Presence.LOCAL;
  }

  /** Whether the bus reaches the other instances right now. */
  default boolean healthy() {
    return true;
  }

  @Override
  default void close() {}
}
