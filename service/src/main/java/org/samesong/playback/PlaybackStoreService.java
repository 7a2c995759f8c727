package org.samesong.playback;

import io.dropwizard.lifecycle.Managed;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.DatabaseDown;
import org.samesong.common.EventOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores playback states behind the commands that made them: a command is applied in memory and
 * broadcast at once, and this writer puts the newest state of every changed session into the
 * database every {@link #INTERVAL_MS} in one transaction. A crash loses at most that much; a
 * restart then extrapolates from the stored {@code updated_at} as for any stored state. Writes
 * never go back in time: a row is only replaced by a state at least as new (two instances of a
 * cluster may both write a session's state).
 */
public final class PlaybackStoreService implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(PlaybackStoreService.class);

  /** How long a changed state may wait before it is stored. */
  static final long INTERVAL_MS = 100;

  private final Jdbi jdbi;
  private final Map<String, PlaybackState> unsaved = new LinkedHashMap<>();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final List<Started> started = new ArrayList<>();
  private volatile EventOutbox outbox = EventOutbox.NONE;
  private ScheduledExecutorService executor;

  /** A {@code track_started} event waiting to be stored with the next round. */
  public record Started(String eventId, String sessionId, long at, Map<String, Object> data) {}

  public PlaybackStoreService(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Where track starts are recorded for webhooks (with the states of the same round). */
  public void setOutbox(EventOutbox outbox) {
    this.outbox = outbox;
  }

  /** Whether track starts are recorded at all (no webhook configured: no). */
  public boolean recordsEvents() {
    return outbox.active();
  }

  /** Queues a track start for the next round; none is dropped for a newer one. */
  public void started(String sessionId, Started event) {
    synchronized (unsaved) {
      started.add(event);
    }
  }

  /** Queues a session's new state; a newer one replaces what still waits. */
  public void store(String sessionId, PlaybackState state) {
    synchronized (unsaved) {
      PlaybackState waiting = unsaved.get(sessionId);
      if (waiting == null || waiting.updatedAt() <= state.updatedAt()) {
        unsaved.put(sessionId, state);
      }
    }
  }

  @Override
  public void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "playback-writer");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::flush, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // a clean stop loses nothing
    flush();
  }

  /**
   * Stores everything waiting; what fails waits for the next round (unless newer came). One flush
   * at a time, so that two states of a session never race to the database.
   */
  public synchronized void flush() {
    Map<String, PlaybackState> batch;
    List<Started> starts;
    synchronized (unsaved) {
      if (unsaved.isEmpty() && started.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(unsaved);
      unsaved.clear();
      starts = new ArrayList<>(started);
      started.clear();
    }
    try {
      jdbi.useTransaction(
          h -> {
            PlaybackDao dao = h.attach(PlaybackDao.class);
            // one JDBC batch for the lot (a thousand rooms seeking each second: ~100 rows here)
            List<String> ids = new ArrayList<>(batch.keySet());
            List<PlaybackState> states = new ArrayList<>(batch.values());
            int[] updated = ids.isEmpty() ? new int[0] : dao.updateAllIfNewer(ids, states);
            for (int i = 0; i < updated.length; i++) {
              // no row yet (a session's first state), or a newer one stored by another instance
              // (a driver that does not count batched rows says SUCCESS_NO_INFO: look)
              boolean maybeMissing = updated[i] == 0 || updated[i] == Statement.SUCCESS_NO_INFO;
              if (maybeMissing && dao.find(ids.get(i)).isEmpty()) {
                dao.insert(ids.get(i), states.get(i));
              }
            }
            for (Started s : starts) {
              outbox.record(
                  h, s.eventId(), EventOutbox.TRACK_STARTED, s.sessionId(), s.at(), s.data());
            }
          });
      if (failing.compareAndSet(true, false)) {
        LOG.info("playback states are stored again");
      }
    } catch (RuntimeException e) {
      synchronized (unsaved) {
        batch.forEach((id, state) -> unsaved.putIfAbsent(id, state));
        started.addAll(0, starts);
      }
      if (DatabaseDown.is(e)) {
        DatabaseDown.note("storing playback states", e);
      } else if (failing.compareAndSet(false, true)) {
        LOG.warn(
            "storing {} playback state(s) failed; trying again: {}", batch.size(), e.toString());
      }
    }
  }
}
