package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.samesong.sync.bus.Envelope;
import org.samesong.sync.bus.InProcessEventBus;

/**
 * The hub's direct replies ({@code hello}, {@code pong}) carry the session's number from memory.
 */
class SyncHubTest {

  @Test
  void the_current_number_is_read_from_the_store_once_then_follows_the_broadcasts() {
    AtomicInteger storeReads = new AtomicInteger();
    InProcessEventBus bus =
        new InProcessEventBus(
            (session, n) -> 2_000L + n,
            session -> {
              storeReads.incrementAndGet();
              return 2_000L; // the top of the block reserved before a restart
            });
    SyncHub hub = new SyncHub(bus);
    bus.subscribe(hub::deliver);

    for (int i = 0; i < 1_000; i++) {
      assertThat(hub.lastSeq("s-1")).isEqualTo(2_000L);
    }
    assertThat(storeReads).hasValue(1);

    long seq = bus.publish("s-1", n -> Envelope.toAll("s-1", n, "{\"seq\":" + n + "}"));
    assertThat(seq).isEqualTo(2_001L);
    assertThat(hub.lastSeq("s-1")).isEqualTo(2_001L);
    assertThat(storeReads).hasValue(1);
  }
}
