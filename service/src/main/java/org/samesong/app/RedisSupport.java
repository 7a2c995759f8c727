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
import org.samesong.sync.RedisEventBus;

/**
 * Redis for a cluster (SAMESONG_REDIS_URL): the event bus between instances and the shared rate
 * limit buckets. Lettuce reconnects by itself (an attempt at least every 2 s); commands fail fast
 * while Redis is away.
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
  private final StatefulRedisConnection<String, byte[]> bucketConnection;

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
        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
  }

  public RedisEventBus eventBus(
      SessionService sessions, ObjectMapper mapper, SamesongMetrics metrics) {
    return new RedisEventBus(
        client, mapper, sessions::reserveSequence, sessions::storedSequence, metrics);
  }

  /** Rate-limit buckets in Redis, timed by the application's clock. */
  public RateLimiter.SharedBuckets sharedBuckets(Clock clock) {
    ProxyManager<String> proxies =
        LettuceBasedProxyManager.builderFor(bucketConnection)
            .withClientSideConfig(
                ClientSideConfig.getDefault().withClientClock(RateLimiter.meter(clock)))
            .withExpirationStrategy(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofMinutes(5)))
            .build();
    return (key, configuration) -> proxies.getProxy(key, () -> configuration);
  }

  @Override
  public void close() {
    bucketConnection.close();
    client.shutdown();
    resources.shutdown();
  }
}
