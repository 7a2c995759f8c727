package org.samesong.playback;

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
@Path("/sessions/{id}/playback")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PlaybackResource {
  private final PlaybackService playback;

  public PlaybackResource(PlaybackService playback) {
    this.playback = playback;
  }

  @POST
  @RolesAllowed("host")
  public PlaybackJson command(@PathParam("id") String id, @NotNull PlaybackCommand body) {
    String sessionId = Ids.requireUuid(id, "session");
    playback.command(sessionId, body.action(), body.positionMs());
    return playback.json(sessionId);
  }
}
