package org.samesong.system;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.samesong.server.Browser;

/**
 * A host in headless Chromium: signs in on the login form like a person and keeps the host console
 * open. As with {@link GuestBrowser}, the test never reloads the page itself.
 */
final class HostBrowser extends BrowserPage {
  /** What the console shows: who is signed in and the invite code of the live session. */
  record Console(String signedInAs, String inviteCode) {}

  private HostBrowser(ChromeDriver driver) {
    super(driver);
  }

  /** Signs in at {@code /} and waits for the console of the account's live session. */
  static HostBrowser signIn(Instance instance, String username, String password) {
    HostBrowser host = new HostBrowser(Browser.start(1280, 900));
    try {
      host.driver.get(instance.uri("/").toString());
      WebElement form =
          host.waiting(Duration.ofSeconds(30))
              .until(ExpectedConditions.presenceOfElementLocated(By.tagName("vaadin-login-form")));
      form.findElement(By.cssSelector("input[name='username']")).sendKeys(username);
      form.findElement(By.cssSelector("input[name='password']")).sendKeys(password);
      form.findElement(By.cssSelector("vaadin-button[slot='submit']")).click();
      host.waiting(Duration.ofSeconds(30))
          .until(ExpectedConditions.presenceOfElementLocated(By.id("invite-code")));
      return host;
    } catch (RuntimeException | AssertionError e) {
      host.close();
      throw e;
    }
  }

  /** The console as it is now; null fields when it is not showing. */
  Console console() {
    return new Console(text(By.id("host-user")), text(By.id("invite-code")));
  }

  boolean showsLoginForm() {
    return !driver.findElements(By.tagName("vaadin-login-form")).isEmpty();
  }

  /**
   * Waits until the page has reloaded itself (the mark is gone) and shows {@code expected}. After a
   * restart the page may reload more than once on its way back (its old requests learn one by one
   * that the server forgot them), so what counts is where it settles.
   */
  void awaitReloadedInto(Console expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Console last = null;
    int inRow = 0;
    while (System.nanoTime() < deadline) {
      try {
        last = markLeft() == null ? console() : null;
        // settled: the same for 2 s in a row
        inRow = expected.equals(last) ? inRow + 1 : 0;
        if (inRow >= 20) {
          return;
        }
      } catch (WebDriverException e) {
        inRow = 0; // between two documents: look again
      }
      Instance.sleep(100);
    }
    throw new AssertionError(
        "the host's page did not come back as "
            + expected
            + " within "
            + timeout
            + "; last seen "
            + last
            + (showsLoginForm() ? " with the login form" : "")
            + "; it says: "
            + bodyText());
  }

  private String text(By by) {
    return driver.findElements(by).stream().findFirst().map(WebElement::getText).orElse(null);
  }
}
