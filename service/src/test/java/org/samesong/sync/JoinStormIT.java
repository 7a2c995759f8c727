package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Api;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * A party filling up: many guests join one session and connect at about the same time. Everyone
 * already there hears of them in coalesced {@code member_update}s naming only who changed, so what
 * a listener receives per newcomer stays the same whatever the room's size (before, every connect
 * sent the whole member list to every member: O(n) per join, O(n³) for the room). Applying the
 * deltas in order gives the room as it is; a guest's hello lists at most 100 members and the count.
 */
class JoinStormIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final int GUESTS = 150;

  /** Per newcomer: its entry at most twice (joined, then connected) and a share of a message. */
  private static final int MAX_BYTES_PER_JOIN = 700;

  @Test
  void a_join_storm_costs_each_listener_a_few_hundred_bytes_per_newcomer() throws Exception {
    Api api = Api.of(APP);
    String admin = APP.sharedAdminToken();
    assertThat(
            APP.setSettings(
                    admin,
                    Map.of("joins_per_ip_per_minute", 100_000, "max_guests_per_session", 1_000))
                .status())
        .isEqualTo(200);
    Host host = Scenario.createSession(api, admin);
    WsClient.Connected hostWs =
        WsClient.connectOk(APP.getLocalPort(), host.sessionId(), host.token());
    Guest first = Scenario.join(api, host, "first");
    WsClient firstWs =
        WsClient.connectOk(APP.getLocalPort(), host.sessionId(), first.token()).client();
    hostWs
        .client()
        .awaitType("member_update", m -> Scenario.says(m, first.memberId(), true), "first");
    int before = firstWs.received().size();

    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<WsClient> guests = new ArrayList<>();
    try {
      List<Future<WsClient>> joining = new ArrayList<>();
      for (int i = 0; i < GUESTS; i++) {
        String name = "guest-" + i;
        joining.add(
            pool.submit(
                () -> {
                  Guest g = Scenario.join(api, host, name);
                  return WsClient.connectOk(APP.getLocalPort(), host.sessionId(), g.token())
                      .client();
                }));
      }
      for (Future<WsClient> f : joining) {
        guests.add(f.get());
      }

      // the room as the first listener's deltas build it
      Map<String, Boolean> room = new HashMap<>();
      room.put(host.memberId(), true);
      room.put(first.memberId(), true);
      JsonNode last =
          firstWs.awaitMessage(
              m -> {
                if (!"member_update".equals(m.path("type").asText())) {
                  return false;
                }
                m.path("members")
                    .forEach(
                        e ->
                            room.put(
                                e.path("member_id").asText(), e.path("connected").asBoolean()));
                m.path("left").forEach(id -> room.remove(id.asText()));
                return room.size() == GUESTS + 2 && !room.containsValue(false);
              },
              Duration.ofSeconds(30),
              "member_updates adding up to everyone connected");
      assertThat(last.path("member_count").asInt()).isEqualTo(GUESTS + 2);

      long bytes = 0;
      int updates = 0;
      for (JsonNode m : firstWs.received().subList(before, firstWs.received().size())) {
        if ("member_update".equals(m.path("type").asText())) {
          bytes += m.toString().getBytes(StandardCharsets.UTF_8).length;
          updates++;
        }
      }
      assertThat(bytes / GUESTS)
          .as("bytes of member_update per newcomer (%d updates, %d bytes)", updates, bytes)
          .isLessThanOrEqualTo(MAX_BYTES_PER_JOIN);
      assertThat(updates).as("coalesced, not one per join and connect").isLessThan(GUESTS);

      // a newcomer's hello: the first 100 members, host first, and how many there are
      JsonNode hello = guests.get(GUESTS - 1).received("hello").get(0);
      assertThat(hello.path("members").size()).isLessThanOrEqualTo(100);
      assertThat(hello.at("/members/0/member_id").asText()).isEqualTo(host.memberId());
      assertThat(hello.path("member_count").asInt()).isGreaterThan(100);
      // the host's hello lists everyone
      WsClient.Connected again =
          WsClient.connectOk(APP.getLocalPort(), host.sessionId(), host.token());
      again.client().close();
      assertThat(again.hello().path("members").size()).isEqualTo(GUESTS + 2);
    } finally {
      pool.shutdownNow();
      guests.forEach(WsClient::close);
      firstWs.close();
      hostWs.client().close();
    }
  }
}
