package org.samesong.sync;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.samesong.metrics.SamesongMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's WebSocket: who it is, and its outgoing queue. Sends never block the caller and
 * never overlap: one message is in flight at a time and the rest wait in a bounded queue; a
 * listener that stops reading fills it and is closed, without delaying anyone else.
 */
public final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  public static final int MAX_QUEUED = 512;
  public static final CloseReason.CloseCode TOO_SLOW = CloseReason.CloseCodes.getCloseCode(4408);

  private final Session ws;
  private final String sessionId;
  private final String memberId;
  private final String role;
  private final String familyId;
  private final Deque<Outgoing> queue = new ArrayDeque<>();
  private final Bucket flood;
  private final SamesongMetrics metrics;
  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ws-closer");
            t.setDaemon(true);
            return t;
          });

  /**
   * A queued message; {@code createdMicros} is the broadcast's creation time for the fan-out
   * latency, 0 for what is not measured (direct replies, heartbeats).
   */
  private record Outgoing(String text, long createdMicros) {}

  private boolean sending;

  /** Between {@link #hold} and {@link #start}, messages queue without being sent. */
  private boolean held;

  private CloseReason closeAfterDrain;
  private volatile boolean closed;

  /** A connection whose fan-out latency nobody reads (tests of the queue). */
  public Connection(
      Session ws,
      String sessionId,
      String memberId,
      String role,
      String familyId,
      int messagesPerSecond,
      int burst) {
    this(ws, sessionId, memberId, role, familyId, messagesPerSecond, burst, new SamesongMetrics());
  }

  /**
   * @param familyId the login (token family) whose token opened the connection; it closes when that
   *     login is revoked
   */
  public Connection(
      Session ws,
      String sessionId,
      String memberId,
      String role,
      String familyId,
      int messagesPerSecond,
      int burst,
      SamesongMetrics metrics) {
    this.ws = ws;
    this.metrics = metrics;
    this.sessionId = sessionId;
    this.memberId = memberId;
    this.role = role;
    this.familyId = familyId;
    this.flood =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(burst)
                    .refillGreedy(messagesPerSecond, Duration.ofSeconds(1))
                    .build())
            .build();
  }

  public String sessionId() {
    return sessionId;
  }

  public String memberId() {
    return memberId;
  }

  public String role() {
    return role;
  }

  public String familyId() {
    return familyId;
  }

  public boolean isHost() {
    return "host".equals(role);
  }

  /** Queues without sending until {@link #start} (so that hello can go first). */
  public synchronized void hold() {
    held = true;
  }

  /** Sends {@code first} ahead of everything queued so far, then starts sending. */
  public void start(String first) {
    synchronized (this) {
      queue.addFirst(new Outgoing(first, 0));
      held = false;
    }
    pump();
  }

  /** Counts one incoming message; false when the client floods. */
  public boolean admitIncoming() {
    return flood.tryConsume(1);
  }

  /** Queues a message behind the others. */
  public void send(String text) {
    enqueue(new Outgoing(text, 0), false);
  }

  /**
   * Queues a broadcast behind the others; its fan-out latency (from {@code createdMicros}, wall
   * clock µs) is recorded when it is handed to the socket.
   */
  public void send(String text, long createdMicros) {
    enqueue(new Outgoing(text, createdMicros), false);
  }

  /** Queues a message ahead of the others (pong: clock estimates need it fast). */
  public void sendFirst(String text) {
    enqueue(new Outgoing(text, 0), true);
  }

  private void enqueue(Outgoing text, boolean first) {
    boolean overflow;
    synchronized (this) {
      if (closed) {
        return;
      }
      overflow = queue.size() >= MAX_QUEUED;
      if (!overflow) {
        if (first) {
          queue.addFirst(text);
        } else {
          queue.addLast(text);
        }
      }
    }
    if (overflow) {
      LOG.info("session {}: member {} does not read; closing", sessionId, memberId);
      close(TOO_SLOW, "not reading: send queue full");
      // its close frame would wait behind what it does not read (until the idle timeout): drop
      // the connection now, so that it is freed and the others hear of it at once
      if (ws instanceof JakartaWebSocketSession jetty) {
        jetty.abort();
      }
      return;
    }
    pump();
  }

  private void pump() {
    Outgoing next;
    CloseReason drained = null;
    synchronized (this) {
      if (!sending && !closed && queue.isEmpty() && closeAfterDrain != null) {
        drained = closeAfterDrain;
      }
      if (drained != null || held || sending || closed || queue.isEmpty()) {
        next = null;
      } else {
        sending = true;
        next = queue.pollFirst();
      }
    }
    if (drained != null) {
      close(drained.getCloseCode(), drained.getReasonPhrase());
      return;
    }
    if (next == null) {
      return;
    }
    if (next.createdMicros() > 0) {
      metrics.handedOver(next.createdMicros());
    }
    try {
      ws.getAsyncRemote()
          .sendText(
              next.text(),
              result -> {
                synchronized (this) {
                  sending = false;
                }
                if (result.isOK()) {
                  pump();
                } else {
                  LOG.debug(
                      "session {}: send to {} failed: {}",
                      sessionId,
                      memberId,
                      String.valueOf(result.getException()));
                  close(CloseReason.CloseCodes.GOING_AWAY, "send failed");
                }
              });
    } catch (RuntimeException e) {
      synchronized (this) {
        sending = false;
      }
      LOG.debug("session {}: send to {} failed: {}", sessionId, memberId, e.toString());
      close(CloseReason.CloseCodes.GOING_AWAY, "send failed");
    }
  }

  /**
   * Sends {@code text} (if any) after what is queued, then closes with {@code code} once the queue
   * has drained, or after half a second for a listener that does not read.
   */
  public void sendAndClose(String text, CloseReason.CloseCode code, String reason) {
    synchronized (this) {
      closeAfterDrain = new CloseReason(code, reason);
    }
    if (text != null) {
      send(text);
    } else {
      pump();
    }
    CLOSER.schedule(() -> close(code, reason), 500, TimeUnit.MILLISECONDS);
  }

  public void close(CloseReason.CloseCode code, String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
    }
    try {
      ws.close(new CloseReason(code, reason));
    } catch (IOException | IllegalStateException e) {
      LOG.debug("session {}: close of {} failed: {}", sessionId, memberId, e.toString());
    }
  }

  public boolean isOpen() {
    return !closed && ws.isOpen();
  }
}
