package org.samesong.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Hosting together end to end, in two headless Chromium browsers (issue 20): the host makes a guest
 * co-host from the listener list; the guest's player page grows the console by push; a third guest
 * (over the API) suggests a track and the co-host approves it in the browser; the host closes the
 * browser and, after {@code host_grace_s}, the co-host's page becomes the host's console. Takes the
 * screenshots of docs/screenshots/cohost-*.png.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HostingTogetherBrowserIT {
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
  private ChromeDriver host;
  private ChromeDriver cora;

  @AfterEach
  void closeBrowsers() {
    for (ChromeDriver driver : new ChromeDriver[] {host, cora}) {
      if (driver != null) {
        try {
          driver.quit();
        } catch (RuntimeException e) {
          // quit already (the host leaves in the test)
        }
      }
    }
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    DB.close();
  }

  private static String url(String path) {
    return "http://localhost:" + APP.getLocalPort() + path;
  }

  private static WebDriverWait waiting(ChromeDriver driver) {
    return new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  private static void type(ChromeDriver driver, String id, String text) {
    WebElement field =
        waiting(driver).until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    WebElement input = field.findElement(By.cssSelector("input"));
    input.click();
    input.sendKeys(text);
  }

  private static void click(ChromeDriver driver, String id) {
    waiting(driver).until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
  }

  @Test
  void the_host_makes_a_cohost_who_approves_a_request_and_takes_over_when_the_host_leaves()
      throws Exception {
    Api api = new Api(CLIENT, APP::getLocalPort);
    String admin = api.adminToken();
    assertThat(api.patch("admin/settings", Map.of("host_grace_s", 5), admin).status())
        .isEqualTo(200);

    // the host signs in and starts a session
    host = Browser.start(1280, 900);
    host.get(url("/"));
    WebElement form =
        waiting(host)
            .until(ExpectedConditions.presenceOfElementLocated(By.tagName("vaadin-login-form")));
    form.findElement(By.cssSelector("input[name='username']")).sendKeys(TestServer.ADMIN);
    form.findElement(By.cssSelector("input[name='password']")).sendKeys(TestServer.ADMIN_PASSWORD);
    form.findElement(By.cssSelector("vaadin-button[slot='submit']")).click();
    type(host, "session-name", "Hand-off party");
    click(host, "start-session");
    String code =
        waiting(host)
            .until(ExpectedConditions.presenceOfElementLocated(By.id("invite-code")))
            .getText();

    // Cora joins in her browser; Gus over the API
    cora = Browser.start(1280, 900);
    cora.get(url("/join/" + code));
    type(cora, "display-name", "Cora");
    click(cora, "join");
    waiting(cora).until(ExpectedConditions.presenceOfElementLocated(By.id("my-requests")));
    Reply gus = api.post("sessions/" + code + "/join", Map.of("display_name", "Gus"), null);
    assertThat(gus.status()).isEqualTo(200);
    String sessionId = gus.text("session_id");
    String coraId = memberNamed(api, sessionId, gus.text("token"), "Cora");
    assertThat(cora.findElements(By.id("console-role"))).isEmpty();

    // the host makes her a co-host from the listener list
    click(host, "rights-" + coraId);
    waiting(host)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#rights-cohost input")))
        .click();
    screenshot(host, "cohost-rights-dialog");
    click(host, "rights-save");

    // her page gets the console by push
    waiting(cora)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("console-role"), "You are a co-host"));
    waiting(host)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("listeners"), "co-host"));

    // Gus suggests a track; Cora approves it in her console
    JsonNode track = api.get("catalog/tracks?limit=1", admin).json().path("items").get(0);
    Reply asked =
        api.post(
            "sessions/" + sessionId + "/requests",
            Map.of("action", "add", "track_id", track.path("id").asText()),
            gus.text("token"));
    assertThat(asked.status()).as("%s", asked).isEqualTo(201);
    String requestId = asked.text("request_id");
    WebElement approve =
        waiting(cora).until(ExpectedConditions.elementToBeClickable(By.id("approve-" + requestId)));
    // the console is below her player, and the "request arrived" notice at the bottom of the
    // window: bring the button into the middle
    cora.executeScript("arguments[0].scrollIntoView({block: 'center'})", approve);
    screenshot(cora, "cohost-request-arrived");
    approve.click();
    waiting(host)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("playlist"), track.path("title").asText()));
    JsonNode decided =
        api.get("sessions/" + sessionId + "/requests?status=approved", gus.text("token"))
            .json()
            .path("requests")
            .get(0);
    assertThat(decided.path("request_id").asText()).isEqualTo(requestId);
    assertThat(decided.path("decided_by").asText()).isEqualTo(coraId);

    // the host leaves (closes the browser): after host_grace_s Cora is the host
    host.quit();
    host = null;
    waiting(cora)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("console-role"), "You host this session."));
    assertThat(
            api.get("sessions/" + sessionId, gus.text("token"))
                .json()
                .path("host_member_id")
                .asText())
        .isEqualTo(coraId);
    // the music went on, and the new host runs it: play from her console
    WebElement play = cora.findElement(By.id("play-pause"));
    cora.executeScript("arguments[0].scrollIntoView({block: 'center'})", play);
    play.click();
    waiting(cora)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("play-pause"), "Pause"));
    screenshot(cora, "cohost-took-over");
  }

  private static String memberNamed(Api api, String sessionId, String token, String name) {
    for (JsonNode m : api.get("sessions/" + sessionId, token).json().path("members")) {
      if (name.equals(m.path("display_name").asText())) {
        return m.path("member_id").asText();
      }
    }
    throw new AssertionError("no member " + name);
  }

  private static final String SETTLED =
      """
      const clients = (window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients) || {};
      return document.fonts.status === 'loaded'
        && Object.values(clients).every(c => !c.isActive || !c.isActive());
      """;

  /** A screenshot into target/screenshots (docs/screenshots holds the ones the README shows). */
  private static void screenshot(ChromeDriver driver, String name) throws Exception {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    waiting(driver).until(d -> Boolean.TRUE.equals(driver.executeScript(SETTLED)));
    driver.executeAsyncScript("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))");
    Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-it");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
