package org.samesong.sync;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import org.samesong.sync.api.ServerTimeJson;

/** {@code GET /api/time}: the server's clock, for a first clock-offset estimate. */
@Tag(name = "time")
@Path("/time")
@Produces(MediaType.APPLICATION_JSON)
public class TimeResource {
  private final Clock clock;

  public TimeResource(Clock clock) {
    this.clock = clock;
  }

  @GET
  @Operation(
      operationId = "serverTime",
      summary = "The server's clock",
      description =
          "For a first estimate of the offset between the client's clock and the server's; the"
              + " WebSocket's ping/pong refines it.")
  @ApiResponse(responseCode = "200", description = "The server time.", useReturnTypeSchema = true)
  public ServerTimeJson time() {
    return new ServerTimeJson(clock.millis());
  }
}
