package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.sync.RawWsClient;
import org.samesong.testing.Api;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.Scrape;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * {@code samesong_websocket_closes_total} counts the code the server closed with: a flooder that
 * answers the server's 4429 with a polite 1000 is still counted as a 4429 (the outside review hid
 * its floods this way).
 */
class CloseMetricIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final String CLOSES = "samesong_websocket_closes_total";

  @Test
  void a_flood_is_counted_as_4429_whatever_code_the_client_answers_with() throws Exception {
    Api api = Api.of(APP);
    Host host = Scenario.createSession(api, APP.sharedAdminToken());
    Guest flooder = Scenario.join(api, host, "Flooder");
    double floodsBefore = Scrape.of(APP.getAdminPort()).value(CLOSES, "code", "4429");
    double politeBefore = Scrape.of(APP.getAdminPort()).value(CLOSES, "code", "1000");

    RawWsClient raw =
        RawWsClient.open("Flooder", APP.getLocalPort(), host.sessionId(), flooder.token(), 65_536)
            .answerCloseWith(1000)
            .startReading();
    try (AutoCloseable socket = raw::close) {
      assertThat(raw.awaitHello(Duration.ofSeconds(10))).isTrue();
      for (int i = 0; i < 100; i++) { // far beyond the burst of 60
        try {
          raw.sendText("{\"type\":\"ping\",\"client_time\":1}");
        } catch (IOException closed) {
          break;
        }
      }
      assertThat(raw.outcome(Duration.ofSeconds(10))).endsWith("4429");

      Scrape after =
          Scrape.until(APP.getAdminPort(), s -> s.value(CLOSES, "code", "4429") > floodsBefore);
      assertThat(after.value(CLOSES, "code", "4429")).isEqualTo(floodsBefore + 1);
      assertThat(after.value(CLOSES, "code", "1000")).isEqualTo(politeBefore);
    }
  }
}
