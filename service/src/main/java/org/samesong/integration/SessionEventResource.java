package org.samesong.integration;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.ToLongFunction;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.SessionService;

/** {@code /api/sessions/{id}/events}: the session's broadcasts as Server-Sent Events. */
@Tag(name = "integrations")
@Path("/sessions/{id}/events")
public class SessionEventResource {
  public static final String EVENT_STREAM = "text/event-stream";

  private final SessionEventStreams streams;
  private final SessionService sessions;
  private final ToLongFunction<String> expiry;

  /**
   * @param expiry when a bearer token expires (epoch ms), 0 for never (integration tokens)
   */
  public SessionEventResource(
      SessionEventStreams streams, SessionService sessions, ToLongFunction<String> expiry) {
    this.streams = streams;
    this.sessions = sessions;
    this.expiry = expiry;
  }

  @GET
  @RolesAllowed({"member", IntegrationTokenService.ROLE})
  // the stream is text/event-stream whatever the client accepts; errors are JSON
  @Produces({EVENT_STREAM, MediaType.APPLICATION_JSON})
  @Operation(
      operationId = "sessionEvents",
      summary = "The session's broadcasts as Server-Sent Events",
      description =
          "Each broadcast of the session that the caller may see, as on the WebSocket:"
              + " `id:` its seq, `event:` its type (`playback_state`, `playlist_update`,"
              + " `request_update`, `member_update`, `session_update`, `session_ended`…),"
              + " `data:` its JSON. With `Last-Event-ID` the stream goes on after that seq when"
              + " this server still holds what came after; otherwise (and without it) it starts"
              + " with an event `state`: `{seq, server_time, session, playback_state, playlist}`."
              + " A comment line every 15 s keeps it open. It ends when the session ends (after"
              + " `session_ended`), when the token is revoked, and when a member's access token"
              + " expires (come back with a fresh one and `Last-Event-ID`). For a member token or"
              + " an integration token (`ssi_…`, made by the host).")
  @ApiResponse(
      responseCode = "200",
      description = "The stream.",
      content = @Content(mediaType = EVENT_STREAM, schema = @Schema(type = "string")))
  @ApiResponse(
      responseCode = "204",
      description = "The session has ended: nothing more will come (EventSource stops).")
  @ApiResponse(responseCode = "400", description = "`Last-Event-ID` is not a number.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(responseCode = "429", description = "Too many streams are open on this server.")
  public Response events(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The seq of the last event received, to resume after it.")
          @HeaderParam("Last-Event-ID")
          String lastEventId,
      @Context HttpHeaders headers) {
    String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    String sessionId = Ids.requireUuid(id, "session");
    Long resumeAfter = parse(lastEventId);
    if (sessions.find(sessionId).ended()) {
      return Response.noContent().build();
    }
    long expiresAt =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? expiry.applyAsLong(authorization.substring(7).strip())
            : 0;
    SessionEventStreams.Stream stream = streams.open(who, sessionId, resumeAfter, expiresAt);
    return Response.ok(stream.output(), EVENT_STREAM)
        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
        // nginx: pass each event on at once (deploy/nginx also turns buffering off here)
        .header("X-Accel-Buffering", "no")
        .build();
  }

  private static Long parse(String lastEventId) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return null;
    }
    try {
      long seq = Long.parseLong(lastEventId.strip());
      if (seq < 0) {
        throw new NumberFormatException();
      }
      return seq;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Last-Event-ID", "must be the seq of an event (a number)");
    }
  }
}
