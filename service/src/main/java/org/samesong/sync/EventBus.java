package org.samesong.sync;

import java.util.function.Consumer;

/**
 * Carries envelopes from where a change happened to every instance's connections: in-process
 * for one instance, Redis pub/sub for a cluster.
 */
public interface EventBus extends AutoCloseable {
  /** Sends an envelope to every subscriber of every instance (this one included). */
  void publish(Envelope envelope);

  /** Receives every envelope published anywhere. */
  void subscribe(Consumer<Envelope> subscriber);

  /** The next number of a session's broadcast sequence. */
  long nextSeq(String sessionId);

  /** Whether the bus reaches the other instances right now. */
  default boolean healthy() {
    return true;
  }

  @Override
  default void close() {}
}
