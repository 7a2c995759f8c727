package org.samesong.ui.shell;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.progressbar.ProgressBar;

/**
 * The position text ({@code 1:23 / 4:05}) and seek slider of a playing track, advanced in the
 * browser from the last playback state (four times a second), so the server pushes only changes.
 * The server sets the same text when it renders, so it is right before any script runs.
 */
public final class ProgressClock {
  private static final String SCRIPT =
      """
      const el = $0, slider = $1;
      el.__samesong = {pos: $2, at: $3, playing: $4, dur: $5, skew: $6 - Date.now()};
      if (!el.__samesongTimer) {
        const fmt = ms => {
          const t = Math.floor(Math.max(0, ms) / 1000);
          const h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t % 60;
          const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
          return (h > 0 ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
        };
        el.__samesongTimer = setInterval(() => {
          if (!el.isConnected) { clearInterval(el.__samesongTimer); el.__samesongTimer = null; return; }
          const s = el.__samesong;
          let p = s.playing ? s.pos + (Date.now() + s.skew - s.at) : s.pos;
          if (s.dur > 0) p = Math.min(p, s.dur);
          el.textContent = fmt(p) + ' / ' + fmt(s.dur);
          if (slider && !slider.matches(':active')) { slider.max = Math.max(s.dur, 1); slider.value = Math.round(p); }
        }, 250);
      }
      """;

  private ProgressClock() {}

  /**
   * Shows the position and keeps it moving in the browser.
   *
   * @param text where {@code position / duration} appears
   * @param slider the seek slider ({@code Input} of type range) or a {@code ProgressBar} (may be
   *     null)
   * @param positionMs the position at {@code updatedAt}
   * @param updatedAt server time (epoch ms) at which {@code positionMs} held
   * @param playing whether the position advances
   * @param durationMs the track's length (0 when nothing is loaded)
   * @param serverNow the server's clock now, so the browser's own clock offset does not matter
   */
  public static void show(
      Component text,
      Component slider,
      long positionMs,
      long updatedAt,
      boolean playing,
      long durationMs,
      long serverNow) {
    long now = playing ? positionMs + (serverNow - updatedAt) : positionMs;
    long shown = durationMs > 0 ? Math.min(now, durationMs) : now;
    text.getElement()
        .setText(MinutesSeconds.format(shown) + " / " + MinutesSeconds.format(durationMs));
    if (slider instanceof Input input) {
      input.getElement().setAttribute("max", Long.toString(Math.max(durationMs, 1)));
      input.setValue(Long.toString(Math.max(0, shown)));
    } else if (slider instanceof ProgressBar bar) {
      bar.setMax(Math.max(durationMs, 1));
      bar.setValue(Math.min(Math.max(0, shown), Math.max(durationMs, 1)));
    }
    text.getElement()
        .executeJs(
            SCRIPT,
            text.getElement(),
            slider == null ? null : slider.getElement(),
            (double) positionMs,
            (double) updatedAt,
            playing,
            (double) durationMs,
            (double) serverNow);
  }
}
