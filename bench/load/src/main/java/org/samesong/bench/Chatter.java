package org.samesong.bench;

import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a real player sends while it listens (sync-audio's sync-engine.js), so that the server
 * relays commands under the load of its listeners' own traffic, not to silent sockets: after each
 * hello a burst of 12 {@code ping}s 50 ms apart, then a {@code ping} every {@code pingMs} (the
 * player's slowest schedule, on a path as clean as loopback: 3 s), and a {@code sync_ack} every 2
 * s. One thread sweeps all listeners every 25 ms; a listener whose previous send has not completed
 * skips its turn (Java's WebSocket allows one outstanding send), which is counted.
 */
final class Chatter {
  static final int BURST = 12;
  static final long BURST_GAP_MS = 50;
  static final long ACK_MS = 2_000;

  private static final List<Chatter> all = new CopyOnWriteArrayList<>();
  static final AtomicLong pings = new AtomicLong();
  static final AtomicLong acks = new AtomicLong();
  static final AtomicLong skipped = new AtomicLong();
  static volatile long pingMs = 3_000;
  private static volatile Thread sweeper;

  private final FanoutClient client;
  private final AtomicBoolean sending = new AtomicBoolean();
  private volatile WebSocket socket;
  private int burstLeft;
  private long nextPing;
  private long nextAck;

  private Chatter(FanoutClient client) {
    this.client = client;
  }

  /** Starts the sweeping thread (once); listeners join with {@link #attach}. */
  static synchronized void start(long pingEveryMs) {
    pingMs = pingEveryMs;
    if (sweeper != null) {
      return;
    }
    sweeper = new Thread(Chatter::sweep, "bench-chatter");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  static boolean running() {
    return sweeper != null;
  }

  /** A listener that got its hello on this socket: a new burst, then the steady schedule. */
  static Chatter attach(FanoutClient client, Chatter existing, WebSocket socket) {
    Chatter c = existing;
    if (c == null) {
      c = new Chatter(client);
      all.add(c);
    }
    synchronized (c) {
      long now = System.currentTimeMillis();
      c.socket = socket;
      c.burstLeft = BURST;
      c.nextPing = now;
      // spread the acks: listeners that joined together do not all report in the same tick
      c.nextAck = now + ThreadLocalRandom.current().nextLong(ACK_MS);
    }
    return c;
  }

  private static void sweep() {
    while (true) {
      long now = System.currentTimeMillis();
      for (Chatter c : all) {
        c.tick(now);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void tick(long now) {
    WebSocket w = socket;
    if (w == null || !client.isOpen() || FanoutBench.stopping) {
      return;
    }
    if (now >= nextPing) {
      if (send(w, "{\"type\":\"ping\",\"client_time\":" + now + "}")) {
        pings.incrementAndGet();
      }
      nextPing = burstLeft > 1 ? now + BURST_GAP_MS : now + pingMs;
      burstLeft = Math.max(0, burstLeft - 1);
    } else if (now >= nextAck) {
      double drift = ThreadLocalRandom.current().nextGaussian() * 0.5;
      String ack =
          "{\"type\":\"sync_ack\",\"track_id\":\""
              + FanoutBench.trackId
              + "\",\"position_ms\":"
              + Math.max(0, client.room.position)
              + ",\"drift_ms\":"
              + Math.round(drift * 100) / 100.0
              + ",\"listener_state\":\"playing\",\"output_latency_ms\":0}";
      if (send(w, ack)) {
        acks.incrementAndGet();
      }
      nextAck = now + ACK_MS;
    }
  }

  private boolean send(WebSocket w, String text) {
    if (!sending.compareAndSet(false, true)) {
      skipped.incrementAndGet();
      return false;
    }
    try {
      w.sendText(text, true).whenComplete((x, e) -> sending.set(false));
      return true;
    } catch (RuntimeException e) {
      sending.set(false);
      skipped.incrementAndGet();
      return false;
    }
  }
}
