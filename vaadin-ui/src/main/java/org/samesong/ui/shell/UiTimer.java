package org.samesong.ui.shell;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon timer for the views' scheduled work (token renewal, scan progress), which runs inside
 * {@code UI.access} and so reaches the browser by push.
 */
public final class UiTimer {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ui-timer");
            t.setDaemon(true);
            return t;
          });

  private UiTimer() {}

  /** Runs {@code work} in the UI after the delay; nothing happens if the page is gone by then. */
  public static ScheduledFuture<?> later(UI ui, long delay, TimeUnit unit, Runnable work) {
    return TIMER.schedule(() -> access(ui, work), delay, unit);
  }

  /** Runs {@code work} in the UI every {@code period} until cancelled or the page is gone. */
  public static ScheduledFuture<?> every(UI ui, long period, TimeUnit unit, Runnable work) {
    return TIMER.scheduleAtFixedRate(() -> access(ui, work), period, period, unit);
  }

  private static void access(UI ui, Runnable work) {
    try {
      ui.access(work::run);
    } catch (UIDetachedException e) {
      // the page was closed: nothing to update
    }
  }
}
