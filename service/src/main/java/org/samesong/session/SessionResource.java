package org.samesong.session;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.samesong.common.Ids;
import org.samesong.common.Requests;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.api.CreateSessionRequest;
import org.samesong.session.api.CreatedSessionJson;
import org.samesong.session.api.JoinRequest;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.SessionJson;

/** {@code /api/sessions}: create, join by code, view, end, kick. */
@Tag(name = "sessions")
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {
  /** The device cookie lives a year: a ban keeps a browser out as long as it keeps its cookie. */
  private static final int DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

  private final SessionService sessions;

  public SessionResource(SessionService sessions) {
    this.sessions = sessions;
  }

  @POST
  @RolesAllowed("user")
  @Operation(
      operationId = "createSession",
      summary = "Start a listening session",
      description =
          "The caller becomes its host: the answer carries the host's token for the session"
              + " (`host_token`, role `host`) and the invite code and link for guests. The body"
              + " (an optional `name`) may be left out.")
  @ApiResponse(
      responseCode = "201",
      description = "The new session.",
      content = @Content(schema = @Schema(implementation = CreatedSessionJson.class)))
  @ApiResponse(responseCode = "400", description = "`name` is too long or not printable.")
  public Response create(
      @Auth SamesongPrincipal caller, CreateSessionRequest body, @Context UriInfo uri) {
    var created = sessions.create(caller, body == null ? null : body.name(), Requests.baseUrl(uri));
    return Response.status(201).entity(created).build();
  }

  @POST
  @Path("/{code}/join")
  @Operation(
      operationId = "joinSession",
      summary = "Join a session as a guest with its invite code",
      description =
          "Anyone with the code. Answers the guest's tokens (role `guest`), permissions and the"
              + " session's current state; then connect to the WebSocket. Limited per IP address"
              + " (setting `joins_per_ip_per_minute`). Sets the browser's `samesong_device` cookie"
              + " (a random id, HttpOnly) when it has none: a kick with ban keeps that browser and"
              + " the address out.")
  @ApiResponse(
      responseCode = "200",
      description = "Joined.",
      content = @Content(schema = @Schema(implementation = JoinedJson.class)))
  @ApiResponse(
      responseCode = "400",
      description = "`display_name` is missing, too long or not printable.")
  @ApiResponse(
      responseCode = "403",
      description = "This browser or address was kicked from the session with a ban (`banned`).")
  @ApiResponse(responseCode = "404", description = "No live session has this code (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description =
          "The session is full (`session_full`: setting `max_guests_per_session`) or a guest"
              + " has this name already (`display_name_taken`).")
  @ApiResponse(
      responseCode = "429",
      description = "Too many joins from this address (`rate_limited`).")
  @ApiResponse(responseCode = "503", description = "The database is unavailable (`unavailable`).")
  public Response join(
      @Parameter(description = "The invite code (case-insensitive).") @PathParam("code")
          String code,
      @NotNull JoinRequest body,
      @Parameter(hidden = true) @CookieParam(SessionService.DEVICE_COOKIE) String device,
      @Context HttpServletRequest request,
      @Context UriInfo uri) {
    boolean known = device != null && Ids.isId(device);
    String deviceId = known ? device : Ids.newId();
    Response.ResponseBuilder ok =
        Response.ok(
            sessions.join(
                code,
                body.displayName(),
                request.getRemoteAddr(),
                Requests.baseUrl(uri),
                deviceId));
    if (!known) {
      ok.cookie(
          new NewCookie.Builder(SessionService.DEVICE_COOKIE)
              .value(deviceId)
              .path("/")
              .maxAge(DEVICE_COOKIE_MAX_AGE_S)
              .httpOnly(true)
              .secure(request.isSecure() || "https".equalsIgnoreCase(uri.getBaseUri().getScheme()))
              .sameSite(NewCookie.SameSite.LAX)
              .build());
    }
    return ok.build();
  }

  @GET
  @Path("/{id}")
  @RolesAllowed("member")
  @Operation(
      operationId = "getSession",
      summary = "The session: metadata, members and playback state")
  @ApiResponse(responseCode = "200", description = "The session.", useReturnTypeSchema = true)
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  public SessionJson get(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Context UriInfo uri) {
    return sessions.view(Ids.requireUuid(id, "session"), Requests.baseUrl(uri));
  }

  @DELETE
  @Path("/{id}")
  @RolesAllowed("host")
  @Operation(
      operationId = "endSession",
      summary = "End the session",
      description =
          "Every listener gets `session_ended`; the session then takes no joins, commands or"
              + " requests.")
  @ApiResponse(responseCode = "204", description = "Ended.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public Response end(@Parameter(description = "The session's id.") @PathParam("id") String id) {
    sessions.end(Ids.requireUuid(id, "session"));
    return Response.noContent().build();
  }

  @DELETE
  @Path("/{id}/members/{memberId}")
  @RolesAllowed("host")
  @Operation(
      operationId = "kickMember",
      summary = "Kick a guest, optionally with a ban",
      description =
          "The guest's tokens and stream URLs stop working at once and their connection closes."
              + " With `ban=true` the browser (its `samesong_device` cookie) and the address"
              + " (IPv6: its /64) the guest joined from cannot join this session again (403"
              + " `banned`).")
  @ApiResponse(responseCode = "204", description = "Kicked.")
  @ApiResponse(responseCode = "400", description = "The member is the host (`cannot_kick_host`).")
  @ApiResponse(responseCode = "404", description = "No such session or member (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public Response kick(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The guest's member id.") @PathParam("memberId") String memberId,
      @Parameter(description = "Also keep the guest's browser and address out of the session.")
          @QueryParam("ban")
          boolean ban) {
    sessions.kick(Ids.requireUuid(id, "session"), Ids.requireUuid(memberId, "member"), ban);
    return Response.noContent().build();
  }
}
