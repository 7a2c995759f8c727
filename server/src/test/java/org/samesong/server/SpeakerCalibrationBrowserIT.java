package org.samesong.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.client.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.Api;
import org.samesong.testing.Scenario;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The guest's speaker calibration in headless Chromium (issue 19): the panel opens from the player,
 * its 10-ms steps set the delay, "Done" closes it, and the value is still there after a reload (the
 * player plays that much ahead again). Takes the screenshots of docs/screenshots/calibration-*.png:
 * phone (360×740) and desktop, light and dark.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SpeakerCalibrationBrowserIT {
  private static final TestDatabase DB = TestDatabase.h2();

  static final DropwizardAppExtension<SamesongConfiguration> APP =
      new DropwizardAppExtension<>(
          FullApp.class,
          TestApp.configPath(),
          TestApp.overrides(
              DB,
              tempDir(),
              ConfigOverride.config("bootstrapAdmin.username", TestServer.ADMIN),
              ConfigOverride.config("bootstrapAdmin.password", TestServer.ADMIN_PASSWORD)));

  private static final Client CLIENT = Api.newClient(null);
  private ChromeDriver guest;

  @AfterEach
  void closeBrowser() {
    if (guest != null) {
      guest.quit();
    }
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    DB.close();
  }

  /** An element of the player's shadow root. */
  private static final String IN_PLAYER =
      "return document.getElementById('player').shadowRoot.getElementById(arguments[0]);";

  @Test
  void a_guest_calibrates_its_speakers_and_the_delay_survives_a_reload() throws Exception {
    Api api = new Api(CLIENT, APP::getLocalPort);
    String admin = api.adminToken();
    Scenario.Host host = Scenario.createSession(api, admin);
    for (var track : Scenario.tracks(api, admin)) {
      Scenario.addTrack(api, host, track.path("id").asText());
    }
    Scenario.playback(api, host, "play", 1000L);

    guest = Browser.start(1280, 900);
    guest.get("http://localhost:" + APP.getLocalPort() + "/join/" + host.code());
    WebElement name =
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("display-name")));
    name.findElement(By.cssSelector("input")).sendKeys("Pia");
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("join"))).click();
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("speaker-delay-value"), "Speaker delay: none"));

    // the panel opens from the player; the music is silenced here while it is open
    Browser.emulateScreen(guest, 360, 740, true);
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("calibrate"))).click();
    waiting().until(d -> shown("calibration"));
    scrollIntoView("calibration");
    lightAndDark("calibration-phone");
    Browser.stopEmulating(guest);
    guest.manage().window().setSize(new Dimension(1280, 900));
    scrollIntoView("calibration");
    lightAndDark("calibration");

    // 230 ms by its steps (+10 × 23), then Done
    WebElement plusTen =
        (WebElement)
            guest.executeScript(
                "return document.getElementById('player').shadowRoot"
                    + ".querySelector('button[data-step=\"10\"]');");
    for (int i = 0; i < 23; i++) {
      plusTen.click();
    }
    assertThat(((WebElement) guest.executeScript(IN_PLAYER, "latency-value")).getText())
        .contains("230");
    ((WebElement) guest.executeScript(IN_PLAYER, "calibration-done")).click();
    waiting().until(d -> !shown("calibration"));
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("speaker-delay-value"), "Speaker delay: +230 ms"));

    // a reload: the same browser keeps it, and the player plays that much ahead again
    guest.navigate().refresh();
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("speaker-delay-value"), "Speaker delay: +230 ms"));
    assertThat(guest.executeScript("return document.getElementById('player').outputLatencyMs"))
        .isEqualTo(230L);
    assertThat(guest.executeScript("return localStorage.getItem('samesong.outputLatencyMs')"))
        .isEqualTo("230");
  }

  private boolean shown(String id) {
    return Boolean.TRUE.equals(
        guest.executeScript(
            "const e = document.getElementById('player').shadowRoot.getElementById(arguments[0]);"
                + " return !!e && !e.hidden && e.offsetParent !== null;",
            id));
  }

  private void scrollIntoView(String id) {
    guest.executeScript(
        "document.getElementById('player').shadowRoot.getElementById(arguments[0])"
            + ".scrollIntoView({block: 'center'});",
        id);
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(guest, Duration.ofSeconds(30));
  }

  private void lightAndDark(String name) throws Exception {
    screenshot(name);
    Browser.emulateDark(guest, true);
    screenshot(name + "-dark");
    Browser.emulateDark(guest, false);
  }

  private static final String SETTLED =
      """
      const clients = (window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients) || {};
      return document.fonts.status === 'loaded'
        && Object.values(clients).every(c => !c.isActive || !c.isActive());
      """;

  /** A screenshot into target/screenshots (docs/screenshots holds the ones the README shows). */
  private void screenshot(String name) throws Exception {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    waiting().until(d -> Boolean.TRUE.equals(guest.executeScript(SETTLED)));
    guest.executeAsyncScript("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))");
    Files.write(dir.resolve(name + ".png"), guest.getScreenshotAs(OutputType.BYTES));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-it");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
