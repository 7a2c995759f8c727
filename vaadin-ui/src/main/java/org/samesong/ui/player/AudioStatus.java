package org.samesong.ui.player;

import com.vaadin.flow.component.html.Span;
import java.util.Locale;

/** A one-line status of this browser's player: connection, and its drift from the schedule. */
public final class AudioStatus {
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
    player.addAutoplayBlockedListener(e -> text.setText("Audio: tap “Start audio” to listen"));
    player.addDriftListener(
        e -> {
          Double drift = e.getDriftMs();
          text.setText(
              drift == null
                  ? "Audio: connected, " + (e.getState() == null ? "waiting" : e.getState())
                  : String.format(
                      Locale.ROOT, "Audio: in sync, %+.1f ms from the schedule", drift));
        });
  }
}
