package org.samesong.bench;

import static org.samesong.bench.FanoutBench.count;
import static org.samesong.bench.FanoutBench.hostErrors;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A host command and who has seen it; {@code position} ≥ 0 matches by position, else by state. */
final class HostCommand {
  static final AtomicLong cmdIds = new AtomicLong();
  static final List<HostCommand> allCmds = Collections.synchronizedList(new ArrayList<>());

  final long id;
  final long position;
  final String state;
  final long sentNanos;
  final int expected;
  final AtomicInteger received = new AtomicInteger();
  volatile long lastArrivalNanos;

  HostCommand(long id, long position, String state, long sentNanos, int expected) {
    this.id = id;
    this.position = position;
    this.state = state;
    this.sentNanos = sentNanos;
    this.expected = expected;
  }

  static String seekMessage(long position) {
    return "{\"type\":\"playback_command\",\"action\":\"seek\",\"position_ms\":" + position + "}";
  }

  static String playMessage(long position) {
    return "{\"type\":\"playback_command\",\"action\":\"play\",\"position_ms\":" + position + "}";
  }

  /** Sends a command over the host's WebSocket and registers it for matching. */
  static HostCommand command(FanoutRoom r, long position, String state, String text) {
    HostCommand c = new HostCommand(cmdIds.incrementAndGet(), position, state, System.nanoTime(), r.connectedGuests());
    r.remember(c);
    allCmds.add(c);
    r.host.send(text);
    return c;
  }

  /** Waits until every command has reached everyone it should, or {@code ms} passed. */
  static void awaitCommands(List<HostCommand> cmds, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      boolean all = true;
      for (HostCommand c : cmds) {
        if (c.received.get() < c.expected) {
          all = false;
          break;
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(10);
    }
  }

  /** A seek sent without waiting for the send to complete (1,000 hosts a second must not queue behind each other). */
  static HostCommand commandAsync(FanoutRoom r, long position) {
    HostCommand c = new HostCommand(cmdIds.incrementAndGet(), position, null, System.nanoTime(), r.connectedGuests());
    r.remember(c);
    WebSocket w = r.host.ws;
    if (w == null) {
      count(hostErrors, "send: no socket");
      return c;
    }
    try {
      w.sendText(seekMessage(position), true).whenComplete((x, e) -> {
        if (e != null) {
          count(hostErrors, "send: " + e.getClass().getSimpleName());
        }
      });
    } catch (IllegalStateException e) {
      count(hostErrors, "send: previous send pending");
    }
    return c;
  }
}
