package org.samesong.system;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's page in headless Chromium, as the fault tests watch it: they never reload it
 * themselves, and a mark left in the page's window tells whether the page reloaded on its own.
 */
abstract class BrowserPage implements AutoCloseable {
  protected final ChromeDriver driver;

  protected BrowserPage(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Leaves a mark in the page's window: a reload would wipe it. */
  void mark(String value) {
    driver.executeScript("window.__samesongMark = arguments[0];", value);
  }

  /** The mark, or null once the page has reloaded. */
  String markLeft() {
    return (String) driver.executeScript("return window.__samesongMark || null;");
  }

  String bodyText() {
    return driver.findElement(By.tagName("body")).getText();
  }

  WebDriverWait waiting(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
