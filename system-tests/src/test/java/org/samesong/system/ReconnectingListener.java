package org.samesong.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.samesong.testing.WsClient;

/**
 * A protocol-level listener that does what a real client must: when its WebSocket breaks it
 * reconnects by itself with the same token, with a capped exponential backoff (250 ms doubling up
 * to 2 s), until it gets a {@code hello} again. Every {@code hello} is kept, so a test can tell
 * that a reconnect happened and what state it brought.
 */
final class ReconnectingListener implements AutoCloseable {
  private final IntSupplier port;
  private final String sessionId;
  private final String token;
  private final Thread thread;
  private final List<JsonNode> hellos = new CopyOnWriteArrayList<>();
  private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
  private volatile WsClient current;
  private volatile boolean closed;

  private ReconnectingListener(IntSupplier port, String sessionId, String token, String name) {
    this.port = port;
    this.sessionId = sessionId;
    this.token = token;
    this.thread = new Thread(this::run, "listener-" + name);
    thread.setDaemon(true);
  }

  /** Connects (waiting for the first {@code hello}) and keeps reconnecting until closed. */
  static ReconnectingListener start(IntSupplier port, String sessionId, String token, String name) {
    ReconnectingListener listener = new ReconnectingListener(port, sessionId, token, name);
    listener.thread.start();
    listener.awaitHellos(1, Duration.ofSeconds(20));
    return listener;
  }

  private void run() {
    long backoff = 250;
    while (!closed) {
      WsClient client = null;
      try {
        client = WsClient.connect(port.getAsInt(), sessionId, token);
        current = client;
        JsonNode hello = client.awaitType("hello", Duration.ofSeconds(10));
        hellos.add(hello);
        backoff = 250;
        while (!closed && !client.isClosed()) {
          Thread.sleep(20);
        }
        if (client.isClosed()) {
          closeCodes.add(client.awaitClose().code());
        }
      } catch (InterruptedException e) {
        return;
      } catch (AssertionError | RuntimeException e) {
        // the server is away (connection refused, no hello): try again after the backoff
      } finally {
        if (client != null) {
          client.close();
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(2_000, backoff * 2);
    }
  }

  /** Waits until {@code count} hellos arrived in all; returns the last. */
  JsonNode awaitHellos(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (hellos.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "listener of "
                + sessionId
                + ": "
                + hellos.size()
                + " hello(s) within "
                + timeout
                + ", wanted "
                + count
                + "; close codes "
                + closeCodes);
      }
      Instance.sleep(50);
    }
    return hellos.get(count - 1);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    WsClient now = current;
    if (now != null) {
      now.close();
    }
  }
}
