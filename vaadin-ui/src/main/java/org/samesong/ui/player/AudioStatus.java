package org.samesong.ui.player;

import com.vaadin.flow.component.html.Span;
import java.util.Locale;

/**
 * A one-line status of this browser's player in words: connection, and how close it plays to the
 * schedule. Right after a seek or a track change the player's last measured drift is stale (it can
 * read tens of seconds until the audio lands); those moments read "catching up", never a number.
 */
public final class AudioStatus {
  /** Beyond this drift (ms) the player is about to seek (the default seek threshold). */
  static final double CATCHING_UP_MS = 150;

  /** Within this drift (ms) a listener hears no difference: "in sync". */
  static final double IN_SYNC_MS = 10;

  private AudioStatus() {}

  /** Keeps {@code text} up to date from the player's status and drift events. */
  public static void follow(SyncAudio player, Span text) {
    text.getStyle().set("color", "var(--lumo-secondary-text-color)");
    player.addStatusListener(
        e ->
            text.setText(
                e.isConnected()
                    ? "Audio: connected"
                    : e.isReconnecting()
                        ? "Audio: reconnecting (attempt " + e.getAttempt() + ")…"
                        : "Audio: offline"));
    player.addAutoplayBlockedListener(
        e -> text.setText("Audio: press “Tap to start audio” to listen"));
    player.addDriftListener(e -> text.setText(describe(e.getDriftMs(), e.getState())));
  }

  /** The status line for a drift report: the player's phase and drift (null while unknown). */
  static String describe(Double driftMs, String phase) {
    String state = phase == null ? "" : phase;
    return switch (state) {
      case "blocked" -> "Audio: press “Tap to start audio” to listen";
      case "paused" -> "Audio: paused";
      case "ended" -> "Audio: the playlist has ended";
      case "idle", "" -> "Audio: connected, waiting for music";
      case "stalled" -> "Audio: buffering…";
      case "waiting", "loading", "settling" -> "Audio: catching up…";
      case "tracking", "correcting" -> inWords(driftMs);
      default -> "Audio: connected";
    };
  }

  private static String inWords(Double driftMs) {
    if (driftMs == null || driftMs.isNaN() || Math.abs(driftMs) > CATCHING_UP_MS) {
      return "Audio: catching up…";
    }
    return String.format(
        Locale.ROOT,
        Math.abs(driftMs) <= IN_SYNC_MS
            ? "Audio: in sync, %+.1f ms from the schedule"
            : "Audio: adjusting, %+.1f ms from the schedule",
        driftMs);
  }
}
