package org.samesong.app;

import com.codahale.metrics.health.HealthCheck;
import org.samesong.sync.bus.EventBus;
import org.samesong.sync.bus.RedisEventBus;

/** Healthy with the in-process bus; with Redis, healthy while Redis answers. */
public class EventBusHealthCheck extends HealthCheck {
  private final EventBus bus;

  public EventBusHealthCheck(EventBus bus) {
    this.bus = bus;
  }

  @Override
  protected Result check() {
    if (bus instanceof RedisEventBus redis) {
      return redis.ping()
          ? Result.healthy("redis pub/sub reachable")
          : Result.unhealthy(
              "redis unreachable: serving this instance's listeners only, reconnecting");
    }
    return Result.healthy("in-process (single instance)");
  }
}
