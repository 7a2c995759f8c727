package org.samesong.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.samesong.common.ApiException;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token-bucket limits (bucket4j) for logins, joins and guest requests, sized from the current
 * settings and timed by the injected clock, so tests move time instead of sleeping. A settings
 * change takes effect for the next attempt: the limit's size is part of the bucket's key.
 */
public class RateLimiter {

  /** What is limited, and which settings size it. */
  public enum Limit {
    LOGIN_ACCOUNT,
    LOGIN_IP,
    JOIN_IP,
    GUEST_MEMBER,
    GUEST_SESSION
  }

  /** The outcome of one attempt. */
  public record Decision(boolean allowed, long retryAfterSeconds) {}

  private final SettingsService settings;
  private final TimeMeter time;

  /**
   * Local buckets, bounded by their estimated size in bytes (a key of n characters, the bucket's
   * state): whatever keys clients make, the limiter never holds more than this.
   */
  static final long MAX_LOCAL_BYTES = 32L * 1024 * 1024;

  private static final int BUCKET_BYTES = 300;

  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder()
          .expireAfterAccess(10, TimeUnit.MINUTES)
          .maximumWeight(MAX_LOCAL_BYTES)
          .weigher((String key, Bucket b) -> BUCKET_BYTES + 2 * key.length())
          .build();

  /** Buckets kept somewhere all instances share (Redis), so that limits hold across a cluster. */
  public interface SharedBuckets {
    /** The shared bucket for {@code key}, created with {@code configuration} when new. */
    Bucket bucket(String key, BucketConfiguration configuration);
  }

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private final SharedBuckets shared;
  private final SamesongMetrics metrics;
  private final AtomicBoolean sharedDown = new AtomicBoolean();

  public RateLimiter(SettingsService settings, Clock clock) {
    this(settings, clock, null, new SamesongMetrics());
  }

  /**
   * Limits shared through {@code shared} (null: this instance only); every refusal is counted in
   * {@code metrics}.
   */
  public RateLimiter(
      SettingsService settings, Clock clock, SharedBuckets shared, SamesongMetrics metrics) {
    this.shared = shared;
    this.settings = settings;
    this.time = meter(clock);
    this.metrics = metrics;
  }

  /** Takes one token for {@code key} under {@code limit}. */
  public Decision tryAcquire(Limit limit, String key) {
    int perMinute;
    int burst;
    switch (limit) {
      case LOGIN_ACCOUNT, LOGIN_IP -> {
        perMinute = settings.get(Settings.LOGINS_PER_MINUTE);
        burst = perMinute;
      }
      case JOIN_IP -> {
        perMinute = settings.get(Settings.JOINS_PER_IP_PER_MINUTE);
        burst = perMinute;
      }
      case GUEST_MEMBER -> {
        perMinute = settings.get(Settings.GUEST_REQUESTS_PER_MINUTE);
        burst = settings.get(Settings.GUEST_REQUEST_BURST);
      }
      case GUEST_SESSION -> {
        perMinute = settings.get(Settings.SESSION_REQUESTS_PER_MINUTE);
        burst = perMinute;
      }
      default -> throw new IllegalArgumentException(limit.name());
    }
    if (limit == Limit.LOGIN_IP || limit == Limit.JOIN_IP) {
      key = addressKey(key);
    }
    String bucketKey = limit + "/" + perMinute + "/" + burst + "/" + key;
    ConsumptionProbe probe = consume(bucketKey, perMinute, burst);
    if (probe.isConsumed()) {
      return new Decision(true, 0);
    }
    metrics.rateLimited(limit.name());
    long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
    return new Decision(false, Math.max(1, seconds));
  }

  /**
   * What a per-address limit counts by: an IPv4 address as it is, an IPv6 address by its /64 (one
   * subscriber's network: every address in it is the same client), anything else as it is, cut to
   * 64 characters.
   */
  public static String addressKey(String ip) {
    if (ip == null) {
      return "-";
    }
    if (ip.indexOf(':') >= 0 && ip.length() <= 64 && ip.matches("\\[?[0-9A-Fa-f:.%a-zA-Z0-9]+]?")) {
      String literal =
          ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
      int zone = literal.indexOf('%');
      if (zone >= 0) {
        literal = literal.substring(0, zone);
      }
      try {
        // a literal: no name lookup happens
        byte[] a = InetAddress.getByName(literal).getAddress();
        if (a.length == 16) {
          return String.format(
                  "%02x%02x:%02x%02x:%02x%02x:%02x%02x",
                  a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
              + "::/64";
        }
        return InetAddress.getByAddress(a).getHostAddress();
      } catch (UnknownHostException e) {
        // not an address after all
      }
    }
    return ip.length() > 64 ? ip.substring(0, 64) : ip;
  }

  /** The per-account login limit's key: the account, from one address (see {@link #addressKey}). */
  public static String accountFrom(String account, String ip) {
    return addressKey(ip) + "/" + account;
  }

  /** Like {@link #tryAcquire} but refuses with 429 and {@code Retry-After}. */
  public void acquireOrThrow(Limit limit, String key, String message) {
    Decision decision = tryAcquire(limit, key);
    if (!decision.allowed()) {
      throw ApiException.tooManyRequests(decision.retryAfterSeconds(), message);
    }
  }

  private ConsumptionProbe consume(String key, int perMinute, int burst) {
    if (shared != null) {
      try {
        ConsumptionProbe probe =
            shared
                .bucket("samesong:limit:" + key, configuration(perMinute, burst))
                .tryConsumeAndReturnRemaining(1);
        if (sharedDown.compareAndSet(true, false)) {
          LOG.info("shared rate limits reachable again");
        }
        return probe;
      } catch (RuntimeException e) {
        // several requests meet the same outage at once: only the first one says so
        if (sharedDown.compareAndSet(false, true)) {
          LOG.warn(
              "shared rate limits unreachable ({}); limiting per instance meanwhile",
              e.getMessage());
        }
      }
    }
    return buckets.get(key, k -> newBucket(perMinute, burst)).tryConsumeAndReturnRemaining(1);
  }

  private static BucketConfiguration configuration(int perMinute, int burst) {
    return BucketConfiguration.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .build();
  }

  /**
   * The injected clock as bucket4j's time source (shared buckets use it too, so tests can move
   * time).
   */
  public static TimeMeter meter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  private Bucket newBucket(int perMinute, int burst) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .withCustomTimePrecision(time)
        .build();
  }
}
