package org.samesong.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.dropwizard.jackson.Jackson;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.ApiException;
import org.samesong.ratelimit.RateLimiter.Decision;
import org.samesong.ratelimit.RateLimiter.Limit;
import org.samesong.settings.SettingsService;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestDatabase;

/** Token buckets sized by the settings and timed by the clock the test moves. */
class RateLimiterTest {
  private static TestDatabase db;
  private final MutableClock clock = new MutableClock();
  private SettingsService settings;
  private RateLimiter limiter;

  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.h2();
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @BeforeEach
  void start() {
    db.jdbi().useHandle(h -> h.execute("DELETE FROM settings"));
    settings = new SettingsService(db.jdbi(), Jackson.newObjectMapper(), clock, Map.of(), Map.of());
    limiter = new RateLimiter(settings, clock);
  }

  private void set(String key, int value) {
    settings.update(Map.of(key, IntNode.valueOf(value)));
  }

  /** Takes {@code n} tokens and asserts each was granted. */
  private void allowed(Limit limit, String key, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(limiter.tryAcquire(limit, key).allowed())
          .as("attempt %d of %d for %s", i + 1, n, key)
          .isTrue();
    }
  }

  @Test
  void logins_allow_a_burst_of_the_per_minute_setting_then_refuse_with_seconds_to_wait() {
    allowed(Limit.LOGIN_ACCOUNT, "dave", 10);

    Decision refused = limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "dave");

    assertThat(refused.allowed()).isFalse();
    // 10 per minute refill one token every 6 seconds
    assertThat(refused.retryAfterSeconds()).isEqualTo(6);
  }

  @Test
  void waiting_the_retry_after_time_gives_one_more_attempt() {
    allowed(Limit.LOGIN_IP, "10.0.0.1", 10);
    long wait = limiter.tryAcquire(Limit.LOGIN_IP, "10.0.0.1").retryAfterSeconds();

    clock.advance(Duration.ofSeconds(wait - 1));
    assertThat(limiter.tryAcquire(Limit.LOGIN_IP, "10.0.0.1").allowed()).isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire(Limit.LOGIN_IP, "10.0.0.1").allowed()).isTrue();
    assertThat(limiter.tryAcquire(Limit.LOGIN_IP, "10.0.0.1").allowed()).isFalse();
  }

  @Test
  void a_minute_refills_the_whole_burst_and_no_more() {
    allowed(Limit.LOGIN_ACCOUNT, "erin", 10);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "erin").allowed()).isFalse();

    clock.advance(Duration.ofMinutes(5));

    allowed(Limit.LOGIN_ACCOUNT, "erin", 10);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "erin").allowed()).isFalse();
  }

  @Test
  void guest_requests_allow_the_burst_setting_and_refill_at_the_per_minute_setting() {
    allowed(Limit.GUEST_MEMBER, "member-1", 3);

    Decision refused = limiter.tryAcquire(Limit.GUEST_MEMBER, "member-1");
    assertThat(refused.allowed()).isFalse();
    // 5 per minute refill one token every 12 seconds
    assertThat(refused.retryAfterSeconds()).isEqualTo(12);

    clock.advance(Duration.ofSeconds(12));
    allowed(Limit.GUEST_MEMBER, "member-1", 1);
    assertThat(limiter.tryAcquire(Limit.GUEST_MEMBER, "member-1").allowed()).isFalse();
  }

  @Test
  void session_and_join_limits_follow_their_settings() {
    allowed(Limit.GUEST_SESSION, "session-1", 60);
    assertThat(limiter.tryAcquire(Limit.GUEST_SESSION, "session-1").allowed()).isFalse();

    allowed(Limit.JOIN_IP, "10.0.0.9", 20);
    assertThat(limiter.tryAcquire(Limit.JOIN_IP, "10.0.0.9").allowed()).isFalse();
  }

  @Test
  void a_settings_change_takes_effect_for_the_next_attempt() {
    allowed(Limit.LOGIN_ACCOUNT, "frank", 10);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "frank").allowed()).isFalse();

    set("logins_per_minute", 2);
    allowed(Limit.LOGIN_ACCOUNT, "frank", 2);
    Decision refused = limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "frank");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(30);

    set("logins_per_minute", 25);
    allowed(Limit.LOGIN_ACCOUNT, "frank", 25);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "frank").allowed()).isFalse();
  }

  @Test
  void a_guest_burst_change_takes_effect_for_the_next_attempt() {
    set("guest_request_burst", 1);
    allowed(Limit.GUEST_MEMBER, "member-2", 1);
    assertThat(limiter.tryAcquire(Limit.GUEST_MEMBER, "member-2").allowed()).isFalse();
  }

  @Test
  void keys_are_limited_independently() {
    allowed(Limit.LOGIN_ACCOUNT, "gina", 10);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "gina").allowed()).isFalse();

    allowed(Limit.LOGIN_ACCOUNT, "hank", 10);
  }

  @Test
  void limits_are_independent_even_for_the_same_key() {
    allowed(Limit.LOGIN_ACCOUNT, "same", 10);
    assertThat(limiter.tryAcquire(Limit.LOGIN_ACCOUNT, "same").allowed()).isFalse();

    allowed(Limit.LOGIN_IP, "same", 10);
    allowed(Limit.JOIN_IP, "same", 20);
    allowed(Limit.GUEST_MEMBER, "same", 3);
  }

  @Test
  void acquire_or_throw_refuses_with_429_rate_limited_and_retry_after() {
    set("logins_per_minute", 1);
    limiter.acquireOrThrow(Limit.LOGIN_IP, "10.0.0.2", "slow down");

    assertThatThrownBy(() -> limiter.acquireOrThrow(Limit.LOGIN_IP, "10.0.0.2", "slow down"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.code()).isEqualTo("rate_limited");
              assertThat(e.getMessage()).isEqualTo("slow down");
              assertThat(e.headers()).containsEntry("Retry-After", "60");
            });
  }

  @Test
  void per_address_limits_count_an_ipv6_network_by_its_64_bit_prefix() {
    assertThat(RateLimiter.addressKey("2001:db8:0:1::1"))
        .isEqualTo(RateLimiter.addressKey("2001:0db8:0000:0001:ffff:1:2:3"))
        .isEqualTo(RateLimiter.addressKey("[2001:db8:0:1::7]"))
        .isEqualTo("2001:0db8:0000:0001::/64");
    assertThat(RateLimiter.addressKey("2001:db8:0:2::1"))
        .isNotEqualTo(RateLimiter.addressKey("2001:db8:0:1::1"));
    assertThat(RateLimiter.addressKey("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(RateLimiter.addressKey("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(RateLimiter.addressKey("x".repeat(10_000))).hasSize(64);

    // 20 joins a minute by default: shared by every address of the network
    allowed(Limit.JOIN_IP, "2001:db8:0:1::1", 10);
    allowed(Limit.JOIN_IP, "2001:db8:0:1::2", 10);
    assertThat(limiter.tryAcquire(Limit.JOIN_IP, "2001:db8:0:1:abcd::3").allowed()).isFalse();
    assertThat(limiter.tryAcquire(Limit.JOIN_IP, "2001:db8:0:2::1").allowed()).isTrue();
  }
}
