package org.samesong.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.client.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
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
 * A long party with short lifetimes (issue 15, items 5 and 9): with {@code access_token_ttl_s=30}
 * and {@code stream_url_ttl_s=60}, a guest's player in headless Chromium keeps its one connection
 * and keeps playing for well past both: the page renews the token and hands it to the open
 * connection ({@code reauth}), so the server, which closes a connection whose token expired, never
 * has to; and the player fetches fresh stream URLs ({@code resync}) before its own expire.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PlayerReauthBrowserIT {
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

  /** Counts the page's sync connections, their closes, and the reauth and resync it sends. */
  private static final String WATCH_SOCKETS =
      """
      window.__sync = {opened: 0, closes: [], reauths: 0, resyncs: 0};
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url, protocols) {
          super(url, protocols);
          this.__sync = String(url).includes('/ws/sessions/');
          if (this.__sync) {
            window.__sync.opened++;
            this.addEventListener('close', (e) => window.__sync.closes.push(e.code));
          }
        }
        send(data) {
          if (this.__sync && String(data).includes('"type":"reauth"')) window.__sync.reauths++;
          if (this.__sync && String(data).includes('"type":"resync"')) window.__sync.resyncs++;
          return super.send(data);
        }
      };
      """;

  private static final String READ =
      """
      const p = document.getElementById('player');
      const a = p && p.shadowRoot ? p.shadowRoot.getElementById('audio') : null;
      return {
        connected: !!(p && p.connected),
        playing: !!(a && !a.paused),
        error: a && a.error ? a.error.code : 0,
        position: a ? a.currentTime * 1000 : -1,
        opened: window.__sync.opened,
        closes: window.__sync.closes.length,
        reauths: window.__sync.reauths,
        resyncs: window.__sync.resyncs,
      };
      """;

  private static final Client CLIENT = Api.newClient(null);
  private ChromeDriver browser;

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    DB.close();
  }

  @Test
  void a_guests_player_outlives_its_first_token_and_stream_urls_on_one_connection()
      throws InterruptedException {
    Api api = new Api(CLIENT, APP::getLocalPort);
    String admin = api.adminToken();
    assertThat(
            api.patch(
                    "admin/settings",
                    Map.of("access_token_ttl_s", 30, "stream_url_ttl_s", 60),
                    admin)
                .status())
        .isEqualTo(200);
    Scenario.Host host = Scenario.createSession(api, admin);
    for (var track : Scenario.tracks(api, admin)) {
      Scenario.addTrack(api, host, track.path("id").asText());
    }
    Scenario.playback(api, host, "play", null);

    browser = Browser.start(800, 900);
    browser.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH_SOCKETS));
    browser.get("http://localhost:" + APP.getLocalPort() + "/join/" + host.code());
    WebElement field =
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(ExpectedConditions.presenceOfElementLocated(By.id("display-name")));
    field.findElement(By.cssSelector("input")).sendKeys("Nora");
    browser.findElement(By.id("join")).click();
    awaitReading(r -> playing(r), Duration.ofSeconds(30), "playing");

    // past two lifetimes of the first token and the first stream URLs
    Thread.sleep(75_000);

    Map<String, Object> r = read();
    assertThat(number(r, "opened")).as("sync connections opened: %s", r).isEqualTo(1);
    assertThat(number(r, "closes")).as("sync connections closed: %s", r).isZero();
    assertThat(number(r, "reauths")).as("reauth sent: %s", r).isGreaterThanOrEqualTo(2);
    assertThat(number(r, "resyncs")).as("fresh stream URLs asked: %s", r).isGreaterThanOrEqualTo(1);
    assertThat(Boolean.TRUE.equals(r.get("connected"))).as("connected: %s", r).isTrue();
    awaitReading(PlayerReauthBrowserIT::playing, Duration.ofSeconds(10), "still playing");
    assertThat(number(read(), "error")).as("audio error").isZero();
  }

  private static boolean playing(Map<String, Object> r) {
    return Boolean.TRUE.equals(r.get("playing")) && number(r, "position") > 500;
  }

  private static long number(Map<String, Object> r, String key) {
    return ((Number) r.get(key)).longValue();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> read() {
    return (Map<String, Object>) browser.executeScript(READ);
  }

  private Map<String, Object> awaitReading(
      java.util.function.Predicate<Map<String, Object>> condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> last = null;
    while (System.nanoTime() < deadline) {
      last = read();
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the player was not " + what + " within " + timeout + ": " + last);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-it");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
