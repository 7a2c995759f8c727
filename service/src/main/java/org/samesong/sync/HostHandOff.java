package org.samesong.sync;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.samesong.session.HostingService;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a session over when its host is gone: once a second it looks at the sessions this instance
 * follows that have a co-host (in memory; the others cost nothing), and when the host has had no
 * connection anywhere for {@code host_grace_s} (by the injected clock) while a co-host is
 * connected, the longest-serving connected co-host becomes host ({@link HostingService#takeOver},
 * under the session's lock, so two instances seeing it at once hand it over once).
 *
 * <p>The absence is counted from when a sweep last saw the host connected, and no earlier than this
 * instance has known the host and co-hosts as they are ({@link MemberRoster.Staff#since}): never
 * from when a sweep first noticed the host missing, which on a busy machine may be late and would
 * stretch the grace by as much.
 */
public final class HostHandOff implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostHandOff.class);

  private final SyncHub hub;
  private final MemberRoster roster;
  private final HostingService hosting;
  private final SettingsService settings;
  private final Clock clock;

  /** Per session, when (clock ms) a sweep last saw its host connected. */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "host-hand-off");
            t.setDaemon(true);
            return t;
          });

  public HostHandOff(
      SyncHub hub,
      MemberRoster roster,
      HostingService hosting,
      SettingsService settings,
      Clock clock) {
    this.hub = hub;
    this.roster = roster;
    this.hosting = hosting;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts looking once a second. */
  public void start() {
    timer.scheduleWithFixedDelay(this::safeSweep, 1, 1, TimeUnit.SECONDS);
  }

  private void safeSweep() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("the host hand-off sweep failed: {}", e.toString());
    }
  }

  /** One look at every followed session with a co-host; returns how many were handed over. */
  public int sweep() {
    long now = clock.millis();
    long graceMs = settings.get(Settings.HOST_GRACE_S) * 1000L;
    int handed = 0;
    Set<String> followed = hub.followedSessions();
    lastSeen.keySet().retainAll(followed);
    for (String sessionId : followed) {
      MemberRoster.Staff staff = roster.staff(sessionId).orElse(null);
      if (staff == null || staff.host() == null || staff.cohosts().isEmpty()) {
        continue;
      }
      Set<String> connected = hub.connectedAnywhere(sessionId);
      if (connected.contains(staff.host())) {
        lastSeen.put(sessionId, now);
        continue;
      }
      // gone since it was last seen here, and no earlier than this instance has known the host and
      // co-hosts as they are: counted from what happened, not from when a sweep first noticed (a
      // sweep delayed by a busy machine neither restarts nor shortens the grace)
      long since = Math.max(lastSeen.getOrDefault(sessionId, Long.MIN_VALUE), staff.since());
      if (now - since >= graceMs && staff.cohosts().stream().anyMatch(connected::contains)) {
        if (hosting.takeOver(sessionId, staff.host(), connected).isPresent()) {
          handed++;
        } else {
          // the database saw it otherwise (the host came back, or changed): a full grace again
          lastSeen.put(sessionId, now);
        }
      }
    }
    return handed;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
