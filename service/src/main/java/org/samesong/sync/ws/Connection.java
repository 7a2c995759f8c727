package org.samesong.sync.ws;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.samesong.common.Rights;
import org.samesong.metrics.SamesongMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's WebSocket: who it is, and its outgoing queue. Queuing is all a caller ever does:
 * sends never block it and never overlap (one message is in flight at a time, the rest wait in a
 * bounded queue), and they run on a small shared pool of their own, as do closes. So whoever
 * delivers a broadcast, possibly inside the event bus's per-session step, never writes to a socket
 * and never runs a close, whose {@code onClose} may come back into the application (member updates,
 * the database) on the same thread. A listener that stops reading fills its queue and is closed
 * (4408), without delaying anyone else.
 */
public final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  public static final int MAX_QUEUED = 512;
  public static final CloseReason.CloseCode TOO_SLOW = CloseReason.CloseCodes.getCloseCode(4408);

  /**
   * How long a closing connection ({@link #sendAndClose}) may go without a send completing before
   * it is closed anyway (a listener that does not read); one that reads, however slowly, gets its
   * last message first.
   */
  static final long CLOSE_DEADLINE_MS = 3_000;

  /** How long a close waits for the client's answering close frame before the socket is cut. */
  static final long CLOSE_HANDSHAKE_MS = 5_000;

  private static final int SEND_THREADS =
      Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** Rooms up to this size are started in one task of the send pool. */
  private static final int MIN_CHUNK = 64;

  /** Broadcasts made inside {@link #sendingAfter}: started when it returns. */
  private static final ThreadLocal<List<Connection>> DEFERRED = new ThreadLocal<>();

  /** At most this many sockets are written on the thread of {@link #sendingAfter}. */
  private static final int INLINE_MAX = 32;

  /** Messages one connection may send in a row before the others' turn. */
  private static final int BATCH = 16;

  /**
   * The threads that hand messages to the sockets: a send only starts an asynchronous write, so a
   * few threads serve every connection.
   */
  private static final Executor SENDS = pool("ws-send", SEND_THREADS);

  /**
   * The threads that close sockets. A close may run the endpoint's {@code onClose} at once on the
   * closing thread (a socket already broken), which reads the database and publishes a member
   * update: such work waits here, never on a thread that delivers.
   */
  private static final Executor CLOSES = pool("ws-close", 4);

  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ws-close-deadline");
            t.setDaemon(true);
            return t;
          });

  private final Session ws;
  private final String sessionId;
  private final String memberId;
  private final String role;
  private volatile String familyId;

  /**
   * What the member may do now: replaced at once when the host changes it (see {@link #rights}).
   */
  private volatile Rights rights;

  /**
   * When the token the connection holds expires (epoch ms); it closes 4401 then, unless renewed.
   */
  private volatile long tokenExpiresAtMs = Long.MAX_VALUE;

  private final Deque<Outgoing> queue = new ArrayDeque<>();
  private volatile int sentCloseCode;
  private final Bucket flood;
  private final SamesongMetrics metrics;
  private final Executor sends;
  private final Executor closes;

  /**
   * A queued message; {@code createdMicros} is the broadcast's creation time for the fan-out
   * latency, 0 for what is not measured (direct replies, heartbeats).
   */
  private record Outgoing(String text, long createdMicros) {}

  /** A send is planned or in flight: the next one starts when it completes. */
  private boolean sending;

  /** Between {@link #hold} and {@link #start}, messages queue without being sent. */
  private boolean held;

  /** Set by {@link #sendAndClose}: nothing more is queued, and the close follows the last send. */
  private CloseReason closeAfterDrain;

  private volatile boolean closed;

  /** Sends completed so far: whether a closing connection still makes progress. */
  private long completed;

  /**
   * A connection whose fan-out latency nobody reads and whose sends and closes run on the caller's
   * thread (tests of the queue).
   */
  public Connection(
      Session ws,
      String sessionId,
      String memberId,
      String role,
      String familyId,
      int messagesPerSecond,
      int burst) {
    this(
        ws,
        sessionId,
        memberId,
        role,
        familyId,
        messagesPerSecond,
        burst,
        new SamesongMetrics(),
        Runnable::run,
        Runnable::run);
  }

  /**
   * A connection whose sends and closes run on the shared pools.
   *
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
    this(ws, sessionId, memberId, role, familyId, messagesPerSecond, burst, metrics, SENDS, CLOSES);
  }

  /**
   * @param sends runs the sends (never blocks)
   * @param closes runs the closes (may block: see {@link #CLOSES})
   */
  public Connection(
      Session ws,
      String sessionId,
      String memberId,
      String role,
      String familyId,
      int messagesPerSecond,
      int burst,
      SamesongMetrics metrics,
      Executor sends,
      Executor closes) {
    this.ws = ws;
    this.metrics = metrics;
    this.sessionId = sessionId;
    this.memberId = memberId;
    this.role = role;
    this.rights = "host".equals(role) ? Rights.HOST_RIGHTS : Rights.GUEST_RIGHTS;
    this.familyId = familyId;
    this.sends = sends;
    this.closes = closes;
    this.flood =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(burst)
                    .refillGreedy(messagesPerSecond, Duration.ofSeconds(1))
                    .build())
            .build();
  }

  private static Executor pool(String name, int threads) {
    AtomicInteger number = new AtomicInteger();
    // the queue holds at most one task per connection and pool (a send, or a close), so it is
    // bounded by the connections; the threads are few and fixed
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
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

  /**
   * The connection now holds a fresh token ({@code reauth}): of the same member, possibly of
   * another login of it (whose revocation closes it from now on), expiring at {@code expiresAtMs}.
   */
  public void tokenRenewed(String familyId, long expiresAtMs) {
    this.familyId = familyId;
    this.tokenExpiresAtMs = expiresAtMs;
  }

  /** When the token the connection holds expires (epoch ms). */
  public long tokenExpiresAtMs() {
    return tokenExpiresAtMs;
  }

  /** Whether the token the connection holds has expired at {@code nowMs} (one volatile read). */
  public boolean tokenExpired(long nowMs) {
    return nowMs >= tokenExpiresAtMs;
  }

  /** What the member may do now (a volatile read: the check of every message). */
  public Rights rights() {
    return rights;
  }

  /** The member's new rights, from the moment they are set. */
  public void rights(Rights now) {
    this.rights = now;
  }

  public boolean isHost() {
    return rights.isHost();
  }

  /** Queues without sending until {@link #start} (so that hello can go first). */
  public synchronized void hold() {
    held = true;
  }

  /** Sends {@code first} ahead of everything queued so far, then starts sending. */
  public void start(String first) {
    boolean go;
    synchronized (this) {
      if (closed) {
        return;
      }
      queue.addFirst(new Outgoing(first, 0));
      held = false;
      go = claim();
    }
    if (go) {
      sends.execute(this::sendNext);
    }
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

  /**
   * Queues a broadcast like {@link #send(String, long)} but leaves the start of the sending to the
   * caller: true when nothing was sending, and the caller is then to hand the connection to {@link
   * #startAll} (with the others of the broadcast), so that a broadcast to a room of a thousand is a
   * few tasks of the send pool, not a thousand.
   */
  public boolean offer(String text, long createdMicros) {
    return enqueue(new Outgoing(text, createdMicros), false, false);
  }

  /**
   * Starts the sending of connections whose {@link #offer} returned true: in at most as many tasks
   * as the send pool has threads (each writes to its share of the connections in turn, without a
   * hop per socket), on the pool of the first connection (all share one outside tests).
   */
  public static void startAll(List<Connection> claimed) {
    int n = claimed.size();
    if (n == 0) {
      return;
    }
    List<Connection> deferred = DEFERRED.get();
    if (deferred != null) {
      deferred.addAll(claimed);
      return;
    }
    int chunk = Math.max(MIN_CHUNK, (n + SEND_THREADS - 1) / SEND_THREADS);
    for (int from = 0; from < n; from += chunk) {
      List<Connection> part = claimed.subList(from, Math.min(n, from + chunk));
      part.get(0)
          .sends
          .execute(
              () -> {
                for (Connection c : part) {
                  c.sendNext();
                }
              });
    }
  }

  /**
   * Runs {@code work} (a listener's command, say) and then starts the sends of the broadcasts it
   * made: on this thread when they go to a few sockets (a room of ten: no hand-over to another
   * thread, the way a single-threaded relay answers), on the send pool for more. The broadcasts are
   * queued in order inside {@code work}, under the locks that order them; the sockets are written
   * after it returned, so the caller must hold no lock around this call.
   */
  public static void sendingAfter(Runnable work) {
    if (DEFERRED.get() != null) {
      work.run();
      return;
    }
    List<Connection> started = new ArrayList<>();
    DEFERRED.set(started);
    try {
      work.run();
    } finally {
      DEFERRED.remove();
      // also after a failure: a connection claimed for sending must be started, or it stalls
      if (started.size() <= INLINE_MAX) {
        for (Connection c : started) {
          c.sendNext();
        }
      } else {
        startAll(started);
      }
    }
  }

  /** Queues a message ahead of the others (pong: clock estimates need it fast). */
  public void sendFirst(String text) {
    enqueue(new Outgoing(text, 0), true);
  }

  private void enqueue(Outgoing text, boolean first) {
    enqueue(text, first, true);
  }

  /**
   * Queues; starts the sending when nothing sends and {@code start}, else returns whether the
   * caller claimed the start.
   */
  private boolean enqueue(Outgoing text, boolean first, boolean start) {
    boolean overflow;
    boolean go = false;
    synchronized (this) {
      if (closed || closeAfterDrain != null) {
        // closing: its last message is queued already (session_ended, say), nothing goes after it
        return false;
      }
      overflow = queue.size() >= MAX_QUEUED;
      if (!overflow) {
        if (first) {
          queue.addFirst(text);
        } else {
          queue.addLast(text);
        }
        go = claim();
      }
    }
    if (overflow) {
      LOG.info("session {}: member {} does not read; closing", sessionId, memberId);
      // its close frame would wait behind what it does not read (until the idle timeout): drop
      // the connection as well, so that it is freed and the others hear of it at once
      close(TOO_SLOW, "not reading: send queue full", true);
      return false;
    }
    if (go && start) {
      sends.execute(this::sendNext);
    }
    return go && !start;
  }

  /** Whether the caller is to plan the next send (nobody else has); under the lock. */
  private boolean claim() {
    if (sending || held || closed || queue.isEmpty()) {
      return false;
    }
    sending = true;
    return true;
  }

  /**
   * Hands the queued messages to the socket, one at a time; runs on {@link #sends}. A send that
   * completes at once (the socket took the frame) is followed by the next on the same thread, up to
   * {@link #BATCH} in a row; one that completes later goes on from its callback, through the pool.
   */
  private void sendNext() {
    for (int round = 0; ; round++) {
      Outgoing next;
      CloseReason drained = null;
      boolean yield = round == BATCH;
      synchronized (this) {
        next = closed || held || yield ? null : queue.pollFirst();
        if (next == null && !yield) {
          sending = false;
          // held with nothing queued: closed before its hello, nothing to wait for
          if (!closed && closeAfterDrain != null && queue.isEmpty()) {
            drained = closeAfterDrain;
          }
        }
      }
      if (yield) {
        // others wait for this thread: the rest of this queue goes behind them
        sends.execute(this::sendNext);
        return;
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
      Send send = new Send();
      try {
        ws.getAsyncRemote().sendText(next.text(), send);
      } catch (RuntimeException e) {
        synchronized (this) {
          sending = false;
        }
        LOG.debug("session {}: send to {} failed: {}", sessionId, memberId, e.toString());
        close(CloseReason.CloseCodes.GOING_AWAY, "send failed");
        return;
      }
      if (send.state.compareAndSet(Send.PENDING, Send.LATER)) {
        return; // its callback goes on
      }
      if (!send.result.isOK()) {
        failed(send.result);
        return;
      }
      synchronized (this) {
        completed++;
      }
    }
  }

  /**
   * The completion of one send: whether it came before {@link #sendNext} looked (then that goes on)
   * or after (then this does).
   */
  private final class Send implements SendHandler {
    static final int PENDING = 0;
    static final int AT_ONCE = 1;
    static final int LATER = 2;
    final AtomicInteger state = new AtomicInteger(PENDING);
    SendResult result;

    @Override
    public void onResult(SendResult result) {
      this.result = result;
      if (!state.compareAndSet(PENDING, AT_ONCE)) {
        sentLater(result);
      }
    }
  }

  /** A send completed after {@link #sendNext} returned: the next is planned anew, on the pool. */
  private void sentLater(SendResult result) {
    if (!result.isOK()) {
      failed(result);
      return;
    }
    boolean more;
    synchronized (this) {
      completed++;
      more = closed || closeAfterDrain != null || !queue.isEmpty();
      if (!more) {
        sending = false;
      }
    }
    if (more) {
      sends.execute(this::sendNext);
    }
  }

  private void failed(SendResult result) {
    synchronized (this) {
      sending = false;
    }
    LOG.debug(
        "session {}: send to {} failed: {}",
        sessionId,
        memberId,
        String.valueOf(result.getException()));
    close(CloseReason.CloseCodes.GOING_AWAY, "send failed");
  }

  /**
   * Closes with {@code code} after a last message {@code text} (if any): what waits in the queue
   * and is not on its way yet is dropped (the last message makes it moot: the session ended, the
   * member was removed), nothing is queued after it, and the close follows once it has been handed
   * to the socket, or after {@link #CLOSE_DEADLINE_MS} without a send completing (a listener that
   * does not read).
   */
  public void sendAndClose(String text, CloseReason.CloseCode code, String reason) {
    boolean go;
    long progress;
    synchronized (this) {
      if (closed || closeAfterDrain != null) {
        return;
      }
      progress = completed;
      queue.clear();
      if (text != null) {
        queue.addLast(new Outgoing(text, 0));
      }
      closeAfterDrain = new CloseReason(code, reason);
      sentCloseCode = code.getCode();
      // held (before its hello) with a last message: that waits for the hello
      go = !sending && (!held || queue.isEmpty());
      if (go) {
        sending = true;
      }
    }
    if (go) {
      sends.execute(this::sendNext);
    }
    closeUnlessReading(progress, code, reason);
  }

  /** Closes in {@link #CLOSE_DEADLINE_MS} unless a send completes meanwhile (then looks again). */
  private void closeUnlessReading(long progress, CloseReason.CloseCode code, String reason) {
    DEADLINES.schedule(
        () -> {
          long now;
          synchronized (this) {
            if (closed) {
              return;
            }
            now = completed;
          }
          if (now == progress) {
            close(code, reason);
          } else {
            closeUnlessReading(now, code, reason);
          }
        },
        CLOSE_DEADLINE_MS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Closes at once with {@code code}: what is queued is dropped. The socket's close runs on {@link
   * #closes}, never on the caller's thread.
   */
  public void close(CloseReason.CloseCode code, String reason) {
    close(code, reason, false);
  }

  private void close(CloseReason.CloseCode code, String reason, boolean abort) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      if (sentCloseCode == 0) {
        sentCloseCode = code.getCode();
      }
    }
    closes.execute(() -> closeSocket(new CloseReason(code, reason), abort));
  }

  private void closeSocket(CloseReason reason, boolean abort) {
    try {
      ws.close(reason);
    } catch (IOException | RuntimeException e) {
      LOG.debug("session {}: close of {} failed: {}", sessionId, memberId, e.toString());
    }
    if (abort) {
      abort();
    } else {
      // a client that never answers the close frame (it does not read, or it is gone without a
      // word) would otherwise keep the socket, and its place in the room, until the idle timeout
      DEADLINES.schedule(
          () -> {
            if (ws instanceof JakartaWebSocketSession jetty && !jetty.getCoreSession().isClosed()) {
              abort();
            }
          },
          CLOSE_HANDSHAKE_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void abort() {
    if (ws instanceof JakartaWebSocketSession jetty) {
      try {
        jetty.abort();
      } catch (RuntimeException e) {
        LOG.debug("session {}: abort of {} failed: {}", sessionId, memberId, e.toString());
      }
    }
  }

  /**
   * The code this server closed the connection with (0: it did not), whatever the client answers:
   * what the close metric counts, so a client cannot hide its 4429 by echoing another code.
   */
  public int sentCloseCode() {
    return sentCloseCode;
  }

  public boolean isOpen() {
    return !closed && ws.isOpen();
  }
}
