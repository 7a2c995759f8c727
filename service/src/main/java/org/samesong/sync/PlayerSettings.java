package org.samesong.sync;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.samesong.settings.Setting;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.sync.api.ServerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings the players use (their sync thresholds and the heartbeat interval): what {@code
 * hello} carries, and what a {@code settings_update} tells the connected players when an admin
 * changes them, so a change takes effect at once instead of at the next reconnect. Every instance
 * tells its own connections, after it reloaded the settings (the bus's {@code settings} control
 * message reaches the instance the change was made on too).
 */
public final class PlayerSettings {
  private static final Logger LOG = LoggerFactory.getLogger(PlayerSettings.class);

  static final List<Setting<?>> KEYS =
      List.of(
          Settings.DEAD_BAND_MS,
          Settings.SEEK_THRESHOLD_MS,
          Settings.MAX_RATE_CORRECTION,
          Settings.RESYNC_INTERVAL_MS);

  private final SettingsService settings;
  private final SyncHub hub;
  private final Broadcaster broadcaster;
  private final Clock clock;
  private final AtomicReference<Map<String, Object>> announced = new AtomicReference<>();

  public PlayerSettings(
      SettingsService settings, SyncHub hub, Broadcaster broadcaster, Clock clock) {
    this.settings = settings;
    this.hub = hub;
    this.broadcaster = broadcaster;
    this.clock = clock;
    announced.set(of(settings));
  }

  /** The players' settings as they are now, by their keys (what {@code hello} carries). */
  public static Map<String, Object> of(SettingsService settings) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting<?> s : KEYS) {
      values.put(s.key(), settings.get(s));
    }
    return values;
  }

  /**
   * After the settings were (re)loaded: when the players' part differs from what this instance last
   * told them, every connection here gets a {@code settings_update}.
   */
  public synchronized void reloaded() {
    Map<String, Object> now = of(settings);
    Map<String, Object> before = announced.getAndSet(now);
    if (now.equals(before)) {
      return;
    }
    int told =
        hub.sendToEveryone(
            sessionId ->
                broadcaster.write(
                    new ServerMessage.SettingsUpdate(hub.lastSeq(sessionId), clock.millis(), now)));
    LOG.info("players' settings changed to {}: told {} connections", now, told);
  }
}
