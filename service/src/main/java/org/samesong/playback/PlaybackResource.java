package org.samesong.playback;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.samesong.common.Ids;
import org.samesong.playback.api.PlaybackCommand;
import org.samesong.playback.api.PlaybackJson;

/** {@code POST /api/sessions/{id}/playback}: the host's transport controls. */
@Tag(name = "playback")
@Path("/sessions/{id}/playback")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PlaybackResource {
  private final PlaybackService playback;

  public PlaybackResource(PlaybackService playback) {
    this.playback = playback;
  }

  @POST
  @RolesAllowed({"host", "control_playback"})
  @Operation(
      operationId = "playbackCommand",
      summary = "Play, pause, seek or skip",
      description =
          "`play`, `pause`, `seek` (with `position_ms`), `skip_next` or `skip_prev`. Every"
              + " listener gets the new state over the WebSocket.")
  @ApiResponse(
      responseCode = "200",
      description = "The new playback state.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "`action` is unknown, or `position_ms` is missing or out of the track.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description =
          "The session has ended (`session_ended`), the playlist is empty (`playlist_empty`), or"
              + " a seek with nothing loaded (`nothing_playing`).")
  public PlaybackJson command(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull PlaybackCommand body) {
    String sessionId = Ids.requireUuid(id, "session");
    // broadcast first; stored before the answer, so an acknowledged command survives a crash
    playback.commandStored(sessionId, body.action(), body.positionMs());
    return playback.json(sessionId);
  }
}
