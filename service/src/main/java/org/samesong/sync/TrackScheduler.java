package org.samesong.sync;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.samesong.common.DatabaseDown;
import org.samesong.playback.PlaybackService;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler thread for all sessions: advances playback at the exact end of each track (the
 * stored state moves to the next item, or pauses at the end of the playlist, and everyone hears of
 * it), and sends the {@code playback_state} heartbeat to this instance's listeners whenever a
 * resync interval has passed since the last one. Each second it also closes the connections whose
 * access token expired without a {@code reauth} ({@link SyncHub#closeExpired}).
 */
public class TrackScheduler implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(TrackScheduler.class);

  /** How late after a track's end the advance runs, so the end has surely passed. */
  static final long ADVANCE_SLACK_MS = 5;

  private final PlaybackService playback;
  private final Broadcaster broadcaster;
  private final SyncHub hub;
  private final SettingsService settings;
  private final Clock clock;
  private final Map<String, ScheduledFuture<?>> ends = new ConcurrentHashMap<>();
  private final Set<String> planned = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService executor;

  public TrackScheduler(
      PlaybackService playback,
      Broadcaster broadcaster,
      SyncHub hub,
      SettingsService settings,
      Clock clock) {
    this.playback = playback;
    this.broadcaster = broadcaster;
    this.hub = hub;
    this.settings = settings;
    this.clock = clock;
    broadcaster.setTrackScheduler(this);
  }

  @Override
  public void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "track-scheduler");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** Plans the advance at the end of the session's current track (after any change). */
  public void reschedule(String sessionId) {
    ScheduledExecutorService ex = executor;
    if (ex == null) {
      return;
    }
    planned.add(sessionId);
    Optional<Long> endsAt;
    try {
      endsAt = playback.trackEndsAt(sessionId);
    } catch (RuntimeException e) {
      if (DatabaseDown.is(e)) {
        // the next tick plans it, once the database answers
        planned.remove(sessionId);
        DatabaseDown.note("planning the end of a track", e);
      } else {
        LOG.warn("session {}: cannot plan the next advance: {}", sessionId, e.getMessage());
      }
      return;
    }
    ScheduledFuture<?> previous;
    if (endsAt.isPresent()) {
      long delay = Math.max(0, endsAt.get() - clock.millis()) + ADVANCE_SLACK_MS;
      previous =
          ends.put(sessionId, ex.schedule(() -> advance(sessionId), delay, TimeUnit.MILLISECONDS));
    } else {
      previous = ends.remove(sessionId);
    }
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private void advance(String sessionId) {
    try {
      // settles the state in memory and tells this instance's listeners (which plans the
      // following advance); every instance does so for its own, and nothing is stored: readers
      // settle the stored state the same way
      playback.advance(sessionId);
    } catch (RuntimeException e) {
      if (DatabaseDown.is(e) && executor != null && !executor.isShutdown()) {
        // the track ended while the database was away: try again each second, or listeners would
        // hear of the next track only from a heartbeat, and of no later track end at all
        DatabaseDown.note("advancing to the next track", e);
        ends.put(sessionId, executor.schedule(() -> advance(sessionId), 1, TimeUnit.SECONDS));
        return;
      }
      ends.remove(sessionId);
      LOG.debug("session {}: no advance ({})", sessionId, e.getMessage());
    }
  }

  private void tick() {
    long now = clock.millis();
    try {
      // connections whose token expired without a reauth go too (each also checks on its messages)
      hub.closeExpired(now);
    } catch (RuntimeException e) {
      LOG.warn("closing connections with expired tokens failed: {}", e.toString());
    }
    long interval = settings.get(Settings.RESYNC_INTERVAL_MS);
    for (String sessionId : hub.sessions()) {
      try {
        if (now - broadcaster.lastPlaybackSent(sessionId) >= interval) {
          // one read: the state is settled as it is read; storing the advance at a track's end
          // is the planned task's job
          broadcaster.heartbeat(sessionId);
        }
        if (!planned.contains(sessionId)) {
          reschedule(sessionId);
        }
      } catch (RuntimeException e) {
        LOG.debug("session {}: heartbeat skipped ({})", sessionId, e.getMessage());
      }
    }
  }
}
