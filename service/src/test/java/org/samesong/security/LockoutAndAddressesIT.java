package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import jakarta.ws.rs.client.Entity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Two findings of the outside review, tried over HTTP as it tried them, with client addresses set
 * by a reverse proxy ({@code X-Forwarded-For}, as behind deploy/nginx):
 *
 * <ul>
 *   <li>item 3: ten failed logins a minute from one address kept the admin's account refused with
 *       429 from every other address. The per-account limit now holds per address;
 *   <li>item 8: every IPv6 address of a /64 got a fresh budget. A /64 is one client now.
 * </ul>
 */
class LockoutAndAddressesIT {
  @RegisterExtension
  static final TestServer APP =
      TestServer.on(
          TestDatabase.Kind.H2,
          ConfigOverride.config("server.applicationConnectors[0].useForwardedHeaders", "true"));

  @BeforeEach
  void newMinute() {
    APP.clock().advance(Duration.ofMinutes(2));
  }

  private static Reply loginFrom(String address, String username, String password) {
    return Reply.of(
        APP.request("auth/login", null)
            .header("X-Forwarded-For", address)
            .post(Entity.json(TestServer.credentials(username, password))));
  }

  @Test
  void an_attackers_failed_logins_do_not_lock_the_admin_out_from_another_address() {
    for (int i = 0; i < 30; i++) {
      loginFrom("203.0.113.66", TestServer.ADMIN, "guess-" + i);
    }
    assertThat(loginFrom("203.0.113.66", TestServer.ADMIN, "guess-31").status())
        .as("the attacker's own address is slowed")
        .isEqualTo(429);

    assertThat(loginFrom("198.51.100.7", TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status())
        .as("the admin from another address")
        .isEqualTo(200);
  }

  @Test
  void the_addresses_of_one_ipv6_64_share_one_budget_and_another_64_has_its_own() {
    String name = TestServer.uniqueName("v6");
    int refused = 0;
    for (int i = 1; i <= 30; i++) {
      // a fresh address of the same /64 each time, as an attacker with a /64 would send
      String address = "2001:db8:1:2:" + Integer.toHexString(i) + ":0:0:" + Integer.toHexString(i);
      if (loginFrom(address, name, "guess-" + i).status() == 429) {
        refused++;
      }
    }
    assertThat(refused).as("refused within one /64").isGreaterThanOrEqualTo(15);

    assertThat(loginFrom("2001:db8:1:3::1", name, "guess").status())
        .as("the next /64")
        .isEqualTo(401);
  }

  @Test
  void joins_from_one_ipv6_64_share_the_per_address_join_limit() {
    var fx = org.samesong.session.SessionFixtures.of(APP);
    var host = fx.newSession();
    // the fixtures lift the limit for their own joins: back to the default
    APP.setSettings(APP.sharedAdminToken(), Map.of("joins_per_ip_per_minute", 20));
    int refused = 0;
    List<Integer> statuses = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      Reply joined =
          Reply.of(
              APP.request("sessions/" + host.code() + "/join", null)
                  .header("X-Forwarded-For", "2001:db8:9:9:" + Integer.toHexString(i) + ":0:0:1")
                  .post(Entity.json(Map.of("display_name", "guest " + i))));
      statuses.add(joined.status());
      if (joined.status() == 429) {
        refused++;
      }
    }
    assertThat(refused)
        .as("joins refused within one /64 (20 a minute): %s", statuses)
        .isEqualTo(10);
  }
}
