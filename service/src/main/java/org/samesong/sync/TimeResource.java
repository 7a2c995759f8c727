package org.samesong.sync;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Map;

/** {@code GET /api/time}: the server's clock, for a first clock-offset estimate. */
@Path("/time")
@Produces(MediaType.APPLICATION_JSON)
public class TimeResource {
  private final Clock clock;

  public TimeResource(Clock clock) {
    this.clock = clock;
  }

  @GET
  public Map<String, Long> time() {
    return Map.of("server_time_ms", clock.millis());
  }
}
