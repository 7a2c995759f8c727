package org.samesong.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import jakarta.ws.rs.client.Entity;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Behind a reverse proxy (SAMESONG_FORWARDED_HEADERS=true, the {@code useForwardedHeaders} of
 * config.yml's connector) the invite links use the scheme and host the browser used, and every
 * client address has its own per-IP limit. ({@link ForwardedHeadersDefaultIT}: by default the same
 * headers change nothing. A class of its own: config overrides are system properties while a server
 * runs.)
 */
class ForwardedHeadersIT {
  @RegisterExtension
  static final TestServer PROXIED =
      TestServer.on(
          TestDatabase.Kind.H2,
          ConfigOverride.config("server.applicationConnectors[0].useForwardedHeaders", "true"));

  private static final Map<String, String> FROM_PROXY =
      Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "music.example.org");

  @Test
  void behind_a_proxy_the_invite_link_has_the_scheme_and_host_the_browser_used() {
    Reply created = createSession(PROXIED, FROM_PROXY);

    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(created.text("join_url"))
        .isEqualTo("https://music.example.org/join/" + created.text("code"));
  }

  @Test
  void behind_a_proxy_each_client_address_has_its_own_join_limit() {
    PROXIED.setSettings(PROXIED.sharedAdminToken(), Map.of("joins_per_ip_per_minute", 2));
    String code = createSession(PROXIED, Map.of()).text("code");

    assertThat(join(PROXIED, code, "198.51.100.7").status()).isEqualTo(200);
    assertThat(join(PROXIED, code, "198.51.100.7").status()).isEqualTo(200);
    Reply third = join(PROXIED, code, "198.51.100.7");
    assertThat(third.status()).as("%s", third).isEqualTo(429);
    assertThat(third.errorCode()).isEqualTo("rate_limited");
    Reply otherClient = join(PROXIED, code, "198.51.100.8");
    assertThat(otherClient.status()).as("another address: %s", otherClient).isEqualTo(200);
  }

  static Reply createSession(TestServer app, Map<String, String> headers) {
    var request = app.request("sessions", app.sharedAdminToken());
    headers.forEach(request::header);
    return Reply.of(request.post(Entity.json(Map.of("name", "forwarded"))));
  }

  static Reply join(TestServer app, String code, String forwardedFor) {
    return Reply.of(
        app.request("sessions/" + code + "/join", null)
            .header("X-Forwarded-For", forwardedFor)
            .post(Entity.json(Map.of("display_name", TestServer.uniqueName("guest")))));
  }
}
