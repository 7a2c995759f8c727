package org.samesong.system;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.samesong.server.Browser;

/**
 * A guest in headless Chromium: joins through {@code /join/{code}} like a person and then only
 * watches the page's {@code <sync-audio>} player (its open shadow root holds {@code #audio}) and
 * the status line under it. The test never reloads the page: whatever the page does after a fault
 * it does on its own.
 */
final class GuestBrowser extends BrowserPage {
  /**
   * One reading of the page.
   *
   * @param connected the player's WebSocket is open
   * @param playing the audio element is not paused
   * @param positionMs the audio's currentTime in ms
   * @param pageTimeMs the page's clock (epoch ms) at that moment; agrees with the machine's
   * @param pageLoadedMs when the page (re)loaded, on the same clock
   * @param pageMark the mark {@link #mark} left, null after a reload
   * @param status the player's status line
   */
  record Reading(
      boolean connected,
      boolean playing,
      double positionMs,
      double pageTimeMs,
      double pageLoadedMs,
      String src,
      String pageMark,
      String status) {}

  private static final String READ =
      """
      const p = document.getElementById('player');
      const a = p && p.shadowRoot ? p.shadowRoot.getElementById('audio') : null;
      const s = document.getElementById('audio-status');
      return {
        connected: !!(p && p.connected),
        playing: !!(a && !a.paused),
        position: a ? a.currentTime * 1000 : -1,
        time: performance.timeOrigin + performance.now(),
        loaded: performance.timeOrigin,
        src: a ? a.src : null,
        mark: window.__samesongMark || null,
        status: s ? s.textContent : null,
      };
      """;

  private GuestBrowser(ChromeDriver driver) {
    super(driver);
  }

  /** Opens the join link, enters {@code name}, and waits for the player to play. */
  static GuestBrowser join(Instance instance, String code, String name) {
    GuestBrowser guest = new GuestBrowser(Browser.start(800, 900));
    try {
      guest.driver.get(instance.uri("/join/" + code).toString());
      WebElement field =
          guest
              .waiting(Duration.ofSeconds(30))
              .until(ExpectedConditions.presenceOfElementLocated(By.id("display-name")));
      WebElement input = field.findElement(By.cssSelector("input"));
      input.click();
      input.sendKeys(name);
      guest.driver.findElement(By.id("join")).click();
      guest.await(r -> r.playing() && r.positionMs() > 500, Duration.ofSeconds(30), "playing");
      return guest;
    } catch (RuntimeException | AssertionError e) {
      guest.close();
      throw e;
    }
  }

  Reading read() {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) driver.executeScript(READ);
    return new Reading(
        Boolean.TRUE.equals(r.get("connected")),
        Boolean.TRUE.equals(r.get("playing")),
        ((Number) r.get("position")).doubleValue(),
        ((Number) r.get("time")).doubleValue(),
        ((Number) r.get("loaded")).doubleValue(),
        (String) r.get("src"),
        (String) r.get("mark"),
        (String) r.get("status"));
  }

  Reading await(Predicate<Reading> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Reading last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = read();
        if (condition.test(last)) {
          return last;
        }
      } catch (WebDriverException e) {
        // the page is between two documents (a reload): read again
      }
      Instance.sleep(100);
    }
    throw new AssertionError(
        "the guest's page was not "
            + what
            + " within "
            + timeout
            + "; last reading "
            + last
            + "; the page says: "
            + bodyText());
  }
}
