package org.samesong.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.session.SessionService;
import org.samesong.sync.bus.RedisConnection;
import org.samesong.sync.bus.RedisEventBus;

/**
 * Redis for a cluster (SAMESONG_REDIS_URL): the event bus between instances and the shared rate
 * limit buckets. Lettuce reconnects by itself (an attempt at least every 2 s); commands fail fast
 * while Redis is away. Nothing here needs Redis to start: connections that cannot be opened yet are
 * opened as soon as Redis answers, and meanwhile everything falls back as during an outage.
 */
public final class RedisSupport implements AutoCloseable {
  /**
   * How long Lettuce waits between attempts to reconnect: doubling from 100 ms up to 2 s. Its
   * default doubles up to 30 s, so after an outage of a minute instances went on without each other
   * for up to half a minute more after Redis was back.
   */
  static final Delay RECONNECT_DELAY =
      Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisConnection<StatefulRedisConnection<String, byte[]>> bucketConnection;
  private volatile ProxyManager<String> proxies;

  public RedisSupport(String url) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    this.resources = DefaultClientResources.builder().reconnectDelay(RECONNECT_DELAY).build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
            .build());
    this.bucketConnection =
        new RedisConnection<>(
            "rate limits",
            () -> client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)),
            () -> {});
    // not open yet: the limiter counts per instance until it is, with a warning of its own
    bucketConnection.open();
  }

  public RedisEventBus eventBus(
      SessionService sessions, ObjectMapper mapper, SamesongMetrics metrics) {
    return new RedisEventBus(
        client, mapper, sessions::reserveSequence, sessions::storedSequence, metrics);
  }

  /**
   * Rate-limit buckets in Redis, timed by the application's clock; a bucket asked for before the
   * connection is open fails as it would during an outage.
   */
  public RateLimiter.SharedBuckets sharedBuckets(Clock clock) {
    return (key, configuration) -> proxies(clock).getProxy(key, () -> configuration);
  }

  private ProxyManager<String> proxies(Clock clock) {
    ProxyManager<String> built = proxies;
    return built != null ? built : buildProxies(clock);
  }

  private synchronized ProxyManager<String> buildProxies(Clock clock) {
    if (proxies == null) {
      proxies =
          LettuceBasedProxyManager.builderFor(bucketConnection.get())
              .withClientSideConfig(
                  ClientSideConfig.getDefault().withClientClock(RateLimiter.meter(clock)))
              .withExpirationStrategy(
                  ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                      Duration.ofMinutes(5)))
              .build();
    }
    return proxies;
  }

  @Override
  public void close() {
    bucketConnection.close();
    client.shutdown();
    resources.shutdown();
  }
}
