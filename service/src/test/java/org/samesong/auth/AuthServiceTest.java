package org.samesong.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.IntNode;
import io.dropwizard.jackson.Jackson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.ApiException;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.settings.SettingsService;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.user.PasswordHasher;
import org.samesong.user.User;
import org.samesong.user.UserService;

/**
 * Login limits, which the HTTP tests cannot tell apart since all their requests come from one
 * address: logins are limited per account (from any address) and per address (for any account).
 */
class AuthServiceTest {
  private static TestDatabase db;
  private static UserService users;
  private final MutableClock clock = new MutableClock();
  private AuthService auth;

  @BeforeAll
  static void createAccounts() {
    db = TestDatabase.h2();
    users = new UserService(db.jdbi(), new PasswordHasher(), new MutableClock(), () -> 3);
    users.create("dave", "dave-password-Tq8vZw", User.USER);
    users.create("erin", "erin-password-Tq8vZw", User.USER);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  /** Fresh limits for every test: a new limiter, at 3 logins per minute. */
  @BeforeEach
  void start() {
    SettingsService settings =
        new SettingsService(db.jdbi(), Jackson.newObjectMapper(), clock, Map.of(), Map.of());
    settings.update(Map.of("logins_per_minute", IntNode.valueOf(3)));
    TokenService tokens =
        new TokenService(TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), clock);
    auth =
        new AuthService(
            db.jdbi(), tokens, users, settings, new RateLimiter(settings, clock), clock);
  }

  private int statusOf(String username, String password, String ip) {
    ApiException e =
        catchThrowableOfType(ApiException.class, () -> auth.checkLogin(username, password, ip));
    return e == null ? 200 : e.status();
  }

  @Test
  void failed_logins_from_one_address_never_lock_the_account_for_another() {
    for (int i = 0; i < 3; i++) {
      assertThat(statusOf("dave", "wrong-password", "10.0.0.1")).isEqualTo(401);
    }
    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.1")).isEqualTo(429);

    // (before: one account-wide budget, so any address could keep the owner out)
    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.2")).isEqualTo(200);
    assertThat(statusOf("DAVE", "dave-password-Tq8vZw", "10.0.0.3")).isEqualTo(200);
  }

  @Test
  void the_addresses_of_one_ipv6_network_share_one_budget() {
    assertThat(statusOf("dave", "wrong-password", "2001:db8:1:2::1")).isEqualTo(401);
    assertThat(statusOf("erin", "wrong-password", "2001:db8:1:2::2")).isEqualTo(401);
    assertThat(statusOf("nobody", "wrong-password", "2001:db8:1:2:ffff:ffff:ffff:fffe"))
        .isEqualTo(401);

    // the same /64: the same client
    assertThat(statusOf("erin", "erin-password-Tq8vZw", "2001:db8:1:2::9")).isEqualTo(429);
    assertThat(statusOf("erin", "erin-password-Tq8vZw", "2001:db8:1:3::1")).isEqualTo(200);
  }

  @Test
  void overlong_usernames_and_passwords_are_refused_before_the_limiter() {
    for (int i = 0; i < 5; i++) {
      assertThat(statusOf("d".repeat(65), "x", "10.0.0.1")).isEqualTo(400);
      assertThat(statusOf("dave", "p".repeat(257), "10.0.0.1")).isEqualTo(400);
    }
    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> auth.checkLogin("d".repeat(1_000_000), "x", "10.0.0.1"));
    assertThat(e.getMessage()).contains("at most 64 characters");

    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.1")).isEqualTo(200);
  }

  @Test
  void an_address_is_limited_whichever_accounts_it_tries() {
    assertThat(statusOf("dave", "wrong-password", "10.0.0.1")).isEqualTo(401);
    assertThat(statusOf("erin", "wrong-password", "10.0.0.1")).isEqualTo(401);
    assertThat(statusOf("nobody", "wrong-password", "10.0.0.1")).isEqualTo(401);

    assertThat(statusOf("erin", "erin-password-Tq8vZw", "10.0.0.1")).isEqualTo(429);
    assertThat(statusOf("erin", "erin-password-Tq8vZw", "10.0.0.2")).isEqualTo(200);
  }

  @Test
  void the_limit_refills_with_time() {
    for (int i = 0; i < 3; i++) {
      statusOf("dave", "wrong-password", "10.0.0.1");
    }
    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.1")).isEqualTo(429);

    clock.advance(Duration.ofSeconds(20));

    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.1")).isEqualTo(200);
  }

  @Test
  void refused_logins_say_when_to_retry() {
    for (int i = 0; i < 3; i++) {
      statusOf("dave", "wrong-password", "10.0.0.1");
    }

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> auth.checkLogin("dave", "dave-password-Tq8vZw", "10.0.0.1"));

    assertThat(e.code()).isEqualTo("rate_limited");
    assertThat(e.headers()).containsEntry("Retry-After", "20");
  }

  @Test
  void bad_input_is_refused_before_the_limiter_and_uses_no_budget() {
    for (int i = 0; i < 5; i++) {
      assertThat(statusOf("", "x", "10.0.0.1")).isEqualTo(400);
      assertThat(statusOf("dave", "", "10.0.0.1")).isEqualTo(400);
    }

    assertThat(statusOf("dave", "dave-password-Tq8vZw", "10.0.0.1")).isEqualTo(200);
  }
}
