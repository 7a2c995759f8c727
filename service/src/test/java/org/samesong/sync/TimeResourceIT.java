package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@code GET /api/time}: the server clock a player starts its offset estimate from. */
class TimeResourceIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Test
  void time_is_the_server_clock_in_epoch_milliseconds_for_anyone() {
    Reply reply = APP.get("time", null);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(ApiAssertions.fieldNames(reply.json())).containsExactly("server_time_ms");
    assertThat(reply.json().get("server_time_ms").isIntegralNumber()).isTrue();
    assertThat(reply.json().get("server_time_ms").asLong()).isEqualTo(APP.clock().millis());
  }

  @Test
  void time_follows_the_server_clock() {
    long before = APP.get("time", null).json().get("server_time_ms").asLong();

    APP.clock().advance(Duration.ofMillis(1_234));

    assertThat(APP.get("time", null).json().get("server_time_ms").asLong())
        .isEqualTo(before + 1_234);
  }

  @Test
  void time_ignores_a_garbage_token_since_it_needs_none() {
    Reply reply = APP.get("time", "not-a-jwt");

    assertThat(reply.status()).isEqualTo(200);
  }
}
