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
import jakarta.ws.rs.PATCH;
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
import org.samesong.session.api.HandOffRequest;
import org.samesong.session.api.InviteJson;
import org.samesong.session.api.JoinRequest;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.session.api.MemberJson;
import org.samesong.session.api.MemberPatch;
import org.samesong.session.api.SessionJson;
import org.samesong.session.api.SessionPatch;

/** {@code /api/sessions}: create, join by code, view, end, kick. */
@Tag(name = "sessions")
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {
  /** The device cookie lives a year: a ban keeps a browser out as long as it keeps its cookie. */
  private static final int DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

  private final SessionService sessions;
  private final HostingService hosting;
  private final KnockService knocks;

  public SessionResource(SessionService sessions, HostingService hosting, KnockService knocks) {
    this.sessions = sessions;
    this.hosting = hosting;
    this.knocks = knocks;
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
      responseCode = "202",
      description =
          "The session is in `knock` mode: the knock waits for the host or a co-host. Ask"
              + " `GET /api/knocks/{knock_id}` with `Authorization: Bearer <knock_token>`.",
      content = @Content(schema = @Schema(implementation = KnockJson.class)))
  @ApiResponse(
      responseCode = "403",
      description =
          "This browser or address was kicked from the session with a ban (`banned`), or the"
              + " session takes no new guests (`session_closed`).")
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
    Response.ResponseBuilder ok;
    try {
      ok =
          Response.ok(
              sessions.join(
                  code,
                  body.displayName(),
                  request.getRemoteAddr(),
                  Requests.baseUrl(uri),
                  deviceId));
    } catch (SessionService.KnockRequired knock) {
      ok =
          Response.accepted(
              knocks.knock(knock.session(), body.displayName(), request.getRemoteAddr(), deviceId));
    }
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
  @RolesAllowed({"host", "cohost"})
  @Operation(
      operationId = "kickMember",
      summary = "Kick a guest, optionally with a ban",
      description =
          "The host, or a co-host (guests only). The guest's tokens and stream URLs stop working at once and their connection closes."
              + " With `ban=true` the browser (its `samesong_device` cookie) and the address"
              + " (IPv6: its /64) the guest joined from cannot join this session again (403"
              + " `banned`).")
  @ApiResponse(responseCode = "204", description = "Kicked.")
  @ApiResponse(responseCode = "400", description = "The member is the host (`cannot_kick_host`).")
  @ApiResponse(responseCode = "404", description = "No such session or member (`not_found`).")
  @ApiResponse(
      responseCode = "403",
      description = "A co-host tried to remove another co-host (`forbidden`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public Response kick(
      @Auth SamesongPrincipal caller,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The guest's member id.") @PathParam("memberId") String memberId,
      @Parameter(description = "Also keep the guest's browser and address out of the session.")
          @QueryParam("ban")
          boolean ban) {
    sessions.kick(caller, Ids.requireUuid(id, "session"), Ids.requireUuid(memberId, "member"), ban);
    return Response.noContent().build();
  }

  @PATCH
  @Path("/{id}/members/{memberId}")
  @RolesAllowed({"host", "cohost"})
  @Operation(
      operationId = "updateMember",
      summary = "Make a co-host, or give or take single rights",
      description =
          "`role`: `cohost` or `guest`; `permissions`: any of `auto_approve`, `control_playback`,"
              + " `decide_requests`, `edit_playlist` set to true or false (what is left out"
              + " stays). The host changes anyone but itself; a co-host changes the rights of"
              + " guests only. The member's live connections and tokens get the new rights at"
              + " once.")
  @ApiResponse(
      responseCode = "200",
      description = "The member as it is now.",
      content = @Content(schema = @Schema(implementation = MemberJson.class)))
  @ApiResponse(
      responseCode = "400",
      description = "Neither `role` nor `permissions`, an unknown role or permission.")
  @ApiResponse(
      responseCode = "403",
      description =
          "The member is the host, or a co-host tried to change a co-host or make one"
              + " (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such session or member (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public MemberJson updateMember(
      @Auth SamesongPrincipal caller,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The member's id.") @PathParam("memberId") String memberId,
      @NotNull MemberPatch body) {
    return hosting.updateMember(
        caller, Ids.requireUuid(id, "session"), Ids.requireUuid(memberId, "member"), body);
  }

  @POST
  @Path("/{id}/host")
  @RolesAllowed("host")
  @Operation(
      operationId = "handOff",
      summary = "Hand the session to a co-host",
      description =
          "That member is host from now on, the old host a co-host. Everyone gets"
              + " `session_update`.")
  @ApiResponse(
      responseCode = "200",
      description = "The session as it is now.",
      content = @Content(schema = @Schema(implementation = SessionJson.class)))
  @ApiResponse(
      responseCode = "400",
      description = "`member_id` is missing or names no co-host (`not_cohost`).")
  @ApiResponse(responseCode = "404", description = "No such session or member (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public SessionJson handOff(
      @Auth SamesongPrincipal caller,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull HandOffRequest body,
      @Context UriInfo uri) {
    String sessionId = Ids.requireUuid(id, "session");
    String target = body.memberId() == null ? null : Ids.requireUuid(body.memberId(), "member");
    hosting.handOff(caller, sessionId, target);
    return sessions.view(sessionId, Requests.baseUrl(uri));
  }

  @POST
  @Path("/{id}/invite")
  @RolesAllowed({"host", "cohost"})
  @Operation(
      operationId = "rotateInvite",
      summary = "Rotate the invite code",
      description =
          "A new code and link; the old ones stop at once (they answer like an unknown code,"
              + " 404). Members stay. The host and co-hosts get `session_update` with the code.")
  @ApiResponse(
      responseCode = "200",
      description = "The new code and link.",
      content = @Content(schema = @Schema(implementation = InviteJson.class)))
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public InviteJson rotateInvite(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Context UriInfo uri) {
    return hosting.rotateInvite(Ids.requireUuid(id, "session"), Requests.baseUrl(uri));
  }

  @PATCH
  @Path("/{id}")
  @RolesAllowed("host")
  @Operation(
      operationId = "updateSession",
      summary = "Rename the session or set its join mode",
      description =
          "`join_mode`: `open` (anyone with the code joins), `knock` (the host or a co-host"
              + " admits each newcomer) or `closed` (no new joins). Everyone gets"
              + " `session_update`.")
  @ApiResponse(
      responseCode = "200",
      description = "The session as it is now.",
      content = @Content(schema = @Schema(implementation = SessionJson.class)))
  @ApiResponse(responseCode = "400", description = "A bad `name` or `join_mode`; `field` says.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  public SessionJson update(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull SessionPatch body,
      @Context UriInfo uri) {
    String sessionId = Ids.requireUuid(id, "session");
    hosting.update(sessionId, body);
    return sessions.view(sessionId, Requests.baseUrl(uri));
  }
}
