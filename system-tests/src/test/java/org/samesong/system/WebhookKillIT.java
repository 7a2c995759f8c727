package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.client.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.testing.Api;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.WebhookReceiver;
import org.samesong.testing.WebhookReceiver.Received;

/**
 * {@code kill -9} between a change and its webhook delivery loses nothing: the events of changes
 * acknowledged before the kill (while the receiver could not take them) arrive after the restart,
 * each once with a 2xx, from the outbox written in the change's own transaction.
 */
@Tag("faults")
class WebhookKillIT {
  private static final Client CLIENT = Api.newClient(null);

  @TempDir Path root;

  @Test
  void events_of_acknowledged_changes_arrive_after_kill_9_and_restart() {
    try (WebhookReceiver receiver = WebhookReceiver.start().answer(503);
        Instance server = Instance.create("h2", root, Map.of()).start()) {
      Api api = new Api(CLIENT, server::httpPort);
      String admin = api.adminToken();
      assertThat(
              api.patch(
                      "/admin/settings",
                      Map.of("webhook_urls", List.of(receiver.url()), "allow_private_urls", true),
                      admin)
                  .status())
          .isEqualTo(200);
      Host host = Scenario.createSession(api, admin, "kill");
      Scenario.join(api, host, "Ada");
      // the receiver is down (503) for the first try of the first event: nothing is delivered yet
      receiver.await(r -> r.event().equals("session_created"), 1, Duration.ofSeconds(30));
      Scenario.join(api, host, "Bo");
      server.kill();
      receiver.answer(200);
      server.start();

      Predicate<Received> ours =
          r -> r.answered() == 200 && host.sessionId().equals(r.json().path("session_id").asText());
      List<Received> delivered = receiver.await(ours, 3, Duration.ofSeconds(90));
      assertThat(delivered)
          .extracting(Received::event)
          .containsExactlyInAnyOrder("session_created", "member_joined", "member_joined");
      Set<String> ids = delivered.stream().map(Received::eventId).collect(Collectors.toSet());
      assertThat(ids).as("each event delivered once").hasSize(3);
    }
  }
}
