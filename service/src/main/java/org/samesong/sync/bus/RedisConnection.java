package org.samesong.sync.bus;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulConnection;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis connection that may have to wait for Redis: opened at once when Redis answers, otherwise
 * tried again in the background (after 100 ms, doubling up to every 2 s, like Lettuce's reconnects)
 * until it does. Lettuce reconnects a connection it has opened by itself, but it never retries a
 * first connect that failed, so without this an instance could not start before Redis.
 *
 * <p>Until it is open, {@link #get()} throws the {@link RedisConnectionException} that a command on
 * a disconnected connection throws too, so callers need one fallback for both.
 *
 * @param <C> the kind of connection (commands, pub/sub, a codec of its own)
 */
public final class RedisConnection<C extends StatefulConnection<?, ?>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);
  static final long FIRST_RETRY_MS = 100;
  static final long MAX_RETRY_MS = 2_000;

  private final String what;
  private final Supplier<C> opener;
  private final Runnable openedLate;
  private volatile C connection;
  private ScheduledExecutorService retries;
  private boolean closed;
  private long failedSince;

  /**
   * @param what what the connection is for, in the log
   * @param opener opens (and prepares, e.g. subscribes) the connection; throws when Redis does not
   *     answer, leaving nothing open
   * @param openedLate runs (on the retrying thread) when the connection opened after a failure
   */
  public RedisConnection(String what, Supplier<C> opener, Runnable openedLate) {
    this.what = what;
    this.opener = opener;
    this.openedLate = openedLate;
  }

  /**
   * Opens the connection now if Redis answers; otherwise keeps trying in the background.
   *
   * @return why it could not be opened now
   */
  public synchronized Optional<RuntimeException> open() {
    try {
      connection = opener.get();
      return Optional.empty();
    } catch (RuntimeException e) {
      failedSince = System.nanoTime();
      retries =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "redis-connect-" + what.replace(' ', '-'));
                t.setDaemon(true);
                return t;
              });
      retryAfter(FIRST_RETRY_MS);
      return Optional.of(e);
    }
  }

  /** The open connection; throws while Redis has not been reached yet. */
  public C get() {
    C c = connection;
    if (c == null) {
      throw new RedisConnectionException("not connected to Redis yet (" + what + ")");
    }
    return c;
  }

  /** Opened, and connected right now. */
  public boolean isOpen() {
    C c = connection;
    return c != null && c.isOpen();
  }

  @Override
  public void close() {
    C c;
    synchronized (this) {
      closed = true;
      if (retries != null) {
        retries.shutdownNow();
      }
      c = connection;
      connection = null;
    }
    if (c != null) {
      c.close();
    }
  }

  private void retryAfter(long delayMs) {
    try {
      retries.schedule(() -> attempt(delayMs), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void attempt(long lastDelayMs) {
    C opened;
    try {
      opened = opener.get();
    } catch (RuntimeException e) {
      LOG.debug("Redis still unreachable ({}): {}", what, e.getMessage());
      synchronized (this) {
        if (!closed) {
          retryAfter(Math.min(lastDelayMs * 2, MAX_RETRY_MS));
        }
      }
      return;
    }
    synchronized (this) {
      if (closed) {
        opened.close();
        return;
      }
      connection = opened;
      retries.shutdown();
    }
    LOG.info(
        "connected to Redis ({}) {} ms after the first attempt",
        what,
        (System.nanoTime() - failedSince) / 1_000_000);
    openedLate.run();
  }
}
