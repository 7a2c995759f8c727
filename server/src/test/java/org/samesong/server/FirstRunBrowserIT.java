package org.samesong.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;

/**
 * The real jar's application (REST + Vaadin on one Jetty) in headless Chromium: a fresh install
 * shows the setup screen at {@code /}; creating the admin there opens the host console; logging out
 * and in again works.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class FirstRunBrowserIT {
  private static final TestDatabase DB = TestDatabase.h2();
  private static final Path DATA = tempDir();

  static final DropwizardAppExtension<SamesongConfiguration> APP =
      new DropwizardAppExtension<>(
          FullApp.class, TestApp.configPath(), TestApp.overrides(DB, DATA));

  private ChromeDriver browser;

  @BeforeEach
  void openBrowser() {
    browser = Browser.start(1280, 900);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterAll
  static void closeDb() {
    DB.close();
  }

  private String url(String path) {
    return "http://localhost:" + APP.getLocalPort() + path;
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  /** Types into a Vaadin text field: the input lives inside the component. */
  private void type(String id, String text) {
    WebElement field = waiting().until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    WebElement input = field.findElement(By.cssSelector("input"));
    input.click();
    input.sendKeys(text);
  }

  @Test
  void fresh_install_runs_setup_then_login_in_a_real_browser() throws Exception {
    browser.get(url("/"));
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("body"), "Welcome to Samesong"));
    assertThat(browser.getCurrentUrl()).endsWith("/setup");
    screenshot("setup");

    type("setup-username", "alice");
    type("setup-password", "correct horse battery");
    type("setup-confirm", "correct horse battery");
    browser.findElement(By.id("setup-create")).click();

    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("host-user"), "Signed in as alice (admin)"));
    assertThat(browser.getCurrentUrl()).endsWith("/host");

    browser.findElement(By.id("logout")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.tagName("vaadin-login-form")));
    screenshot("login");

    WebElement form = browser.findElement(By.tagName("vaadin-login-form"));
    WebElement username = form.findElement(By.cssSelector("input[name='username']"));
    WebElement password = form.findElement(By.cssSelector("input[name='password']"));
    username.sendKeys("alice");
    password.sendKeys("correct horse battery");
    form.findElement(By.cssSelector("vaadin-button[slot='submit']")).click();

    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("host-user"), "Signed in as alice"));
    screenshot("host");
  }

  private void screenshot(String name) throws Exception {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-it");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
