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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.Api;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * An account disabled while its host page is open in a browser: the page's next click does nothing
 * and the page lands on the login form, although the view was opened while the account was good.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignInEndsBrowserIT {
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
  void a_disabled_accounts_open_page_cannot_act_and_falls_back_to_the_login_form() {
    Api api = new Api(CLIENT, APP::getLocalPort);
    String admin = api.adminToken();
    JsonNode bob =
        api.post(
                "admin/users",
                Map.of("username", "bob", "password", "bob's long password Tq8vZw", "role", "user"),
                admin)
            .json();

    browser = Browser.start(1280, 900);
    browser.get("http://localhost:" + APP.getLocalPort() + "/");
    WebElement form = waiting().until(presence(By.tagName("vaadin-login-form")));
    form.findElement(By.cssSelector("input[name='username']")).sendKeys("bob");
    form.findElement(By.cssSelector("input[name='password']"))
        .sendKeys("bob's long password Tq8vZw");
    form.findElement(By.cssSelector("vaadin-button[slot='submit']")).click();
    WebElement name = waiting().until(presence(By.id("session-name")));

    assertThat(
            api.patch("admin/users/" + bob.path("id").asText(), Map.of("disabled", true), admin)
                .status())
        .isEqualTo(200);
    name.findElement(By.cssSelector("input")).sendKeys("Bob's party");
    browser.findElement(By.id("start-session")).click();

    waiting().until(presence(By.tagName("vaadin-login-form")));
    assertThat(browser.findElements(By.id("invite-code"))).isEmpty();
    int started =
        DB.jdbi()
            .withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Integer.class).one());
    assertThat(started).as("sessions started").isZero();
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  private static org.openqa.selenium.support.ui.ExpectedCondition<WebElement> presence(By by) {
    return ExpectedConditions.presenceOfElementLocated(by);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("samesong-it");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
