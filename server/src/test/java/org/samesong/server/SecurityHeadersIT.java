package org.samesong.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;

/**
 * What the outside review found on the GUI (issue 15, item 6): the servlet session cookie without
 * HttpOnly or SameSite, and pages that any site could frame. The application as the jar runs it,
 * over plain HTTP (no browser needed to read headers).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SecurityHeadersIT {
  private static final TestDatabase DB = TestDatabase.h2();

  static final DropwizardAppExtension<SamesongConfiguration> APP =
      new DropwizardAppExtension<>(
          FullApp.class, TestApp.configPath(), TestApp.overrides(DB, TestApp.newDataDir()));

  private final HttpClient http = HttpClient.newHttpClient();

  @AfterAll
  static void closeDb() {
    DB.close();
  }

  @Test
  void gui_pages_may_not_be_framed_and_their_session_cookie_is_http_only_and_same_site()
      throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
    List<String> cookies = page.headers().allValues("Set-Cookie");
    assertThat(cookies).anyMatch(c -> c.startsWith("JSESSIONID="));
    for (String cookie : cookies) {
      assertThat(cookie.toLowerCase()).as(cookie).contains("httponly").contains("samesite=");
      // plain HTTP here: Secure comes with HTTPS (or X-Forwarded-Proto behind nginx)
      assertThat(cookie.toLowerCase()).as(cookie).doesNotContain("secure;");
    }
  }

  @Test
  void api_answers_are_not_sniffed_and_send_no_referrer_elsewhere() throws Exception {
    HttpResponse<String> time = get("/api/time");

    assertThat(time.statusCode()).isEqualTo(200);
    assertThat(time.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(time.headers().firstValue("Referrer-Policy")).contains("same-origin");
    assertThat(time.headers().firstValue("Content-Security-Policy")).isEmpty();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
