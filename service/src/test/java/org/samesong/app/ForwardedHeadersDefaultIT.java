package org.samesong.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.app.ForwardedHeadersIT.createSession;
import static org.samesong.app.ForwardedHeadersIT.join;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * config.yml as it is (no SAMESONG_FORWARDED_HEADERS): forwarded headers change nothing, so a
 * client that reaches the server directly can neither pass for another address nor make the
 * server's links point elsewhere.
 */
class ForwardedHeadersDefaultIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Test
  void forwarded_headers_do_not_change_the_invite_link() {
    Reply created =
        createSession(
            APP, Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "music.example.org"));

    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(created.text("join_url"))
        .isEqualTo("http://localhost:" + APP.getLocalPort() + "/join/" + created.text("code"));
  }

  @Test
  void a_client_cannot_escape_the_join_limit_with_a_forwarded_address() {
    APP.setSettings(APP.sharedAdminToken(), Map.of("joins_per_ip_per_minute", 2));
    String code = createSession(APP, Map.of()).text("code");

    assertThat(join(APP, code, "192.0.2.1").status()).isEqualTo(200);
    assertThat(join(APP, code, "192.0.2.2").status()).isEqualTo(200);
    Reply third = join(APP, code, "192.0.2.3");
    assertThat(third.status())
        .as("the same client, another claimed address: %s", third)
        .isEqualTo(429);
  }
}
