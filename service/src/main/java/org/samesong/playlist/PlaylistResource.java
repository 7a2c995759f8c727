package org.samesong.playlist;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.api.PlaylistEditRequest;
import org.samesong.playlist.api.PlaylistItemJson;
import org.samesong.playlist.api.PlaylistJson;

/**
 * {@code /api/sessions/{id}/playlist}. The host, co-hosts and members with {@code edit_playlist}
 * edit directly (201/200/204); a guest's edit becomes a pending request for the host (202 with the
 * request), or with {@code auto_approve} an add applied at once (201).
 */
@Tag(name = "playlist")
@Path("/sessions/{id}/playlist")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PlaylistResource {
  /** The request feature's schema, named: that feature depends on this one, not the reverse. */
  private static final String GUEST_REQUEST = "#/components/schemas/GuestRequest";

  private final PlaylistService playlist;
  private final GuestProposals proposals;

  public PlaylistResource(PlaylistService playlist, GuestProposals proposals) {
    this.playlist = playlist;
    this.proposals = proposals;
  }

  @GET
  @RolesAllowed("member")
  @Operation(operationId = "getPlaylist", summary = "The session's playlist")
  @ApiResponse(
      responseCode = "200",
      description = "The items in order, with the version.",
      useReturnTypeSchema = true)
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  public PlaylistJson get(
      @Parameter(description = "The session's id.") @PathParam("id") String id) {
    return playlist.toJson(playlist.get(Ids.requireUuid(id, "session")));
  }

  @POST
  @RolesAllowed("member")
  @Operation(
      operationId = "addToPlaylist",
      summary = "Add a track (host) or propose adding one (guest)",
      description =
          "`track_id` or `url` (not both), optional `position` (default: the end). A URL is"
              + " probed and added to the catalog first. A guest's add becomes a pending request.")
  @ApiResponse(
      responseCode = "201",
      description = "Host: the new item.",
      content = @Content(schema = @Schema(implementation = PlaylistItemJson.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Guest: the pending request.",
      content = @Content(schema = @Schema(ref = GUEST_REQUEST)))
  @ApiResponse(
      responseCode = "400",
      description =
          "Neither or both of `track_id` and `url`, a bad `position`, or a URL that is not"
              + " acceptable (`invalid_url`, `url_not_allowed`); `field` names it.")
  @ApiResponse(
      responseCode = "404",
      description = "No such session, or no such track (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  @ApiResponse(
      responseCode = "413",
      description =
          "The URL's audio is larger than 64 MiB (`too_large`), or the request body larger than"
              + " the server takes (`payload_too_large`).")
  @ApiResponse(
      responseCode = "422",
      description = "Host: the URL cannot be fetched or is not audio.")
  @ApiResponse(
      responseCode = "429",
      description =
          "A guest over the request limit of the guest or of the session (`rate_limited`).")
  public Response add(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull PlaylistEditRequest body) {
    String sessionId = Ids.requireUuid(id, "session");
    if (isGuest(who)) {
      var change =
          new ProposedChange(
              ProposedChange.ADD, body.trackId(), body.url(), null, body.position(), body.note());
      GuestProposals.Outcome outcome = proposals.propose(who, sessionId, change);
      // a guest with auto_approve: applied at once (and logged as approved by auto)
      return outcome.applied() != null
          ? Response.status(201).entity(playlist.toJson(outcome.applied())).build()
          : Response.accepted(outcome.request()).build();
    }
    var change =
        byUrl(body)
            ? playlist.addUrl(sessionId, body.url(), body.position(), who.memberId())
            : playlist.add(sessionId, body.trackId(), body.position(), who.memberId());
    return Response.status(201).entity(playlist.toJson(change.item())).build();
  }

  @PATCH
  @Path("/{itemId}")
  @RolesAllowed("member")
  @Operation(
      operationId = "moveInPlaylist",
      summary = "Move an item (host) or propose moving it (guest)",
      description = "`position`: the item's new index. A guest's move becomes a pending request.")
  @ApiResponse(
      responseCode = "200",
      description = "Host: the moved item.",
      content = @Content(schema = @Schema(implementation = PlaylistItemJson.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Guest: the pending request.",
      content = @Content(schema = @Schema(ref = GUEST_REQUEST)))
  @ApiResponse(responseCode = "400", description = "`position` is missing or out of the playlist.")
  @ApiResponse(responseCode = "404", description = "No such session or item (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  @ApiResponse(
      responseCode = "429",
      description =
          "A guest over the request limit of the guest or of the session (`rate_limited`).")
  public Response move(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The playlist item's id.") @PathParam("itemId") String itemId,
      @NotNull PlaylistEditRequest body) {
    String sessionId = Ids.requireUuid(id, "session");
    String item = Ids.requireUuid(itemId, "playlist item");
    if (body.position() == null) {
      throw ApiException.badRequest("position", "is required");
    }
    if (isGuest(who)) {
      var change =
          new ProposedChange(ProposedChange.MOVE, null, null, item, body.position(), body.note());
      return Response.accepted(proposals.propose(who, sessionId, change).request()).build();
    }
    return Response.ok(playlist.toJson(playlist.move(sessionId, item, body.position()).item()))
        .build();
  }

  @DELETE
  @Path("/{itemId}")
  @RolesAllowed("member")
  @Operation(
      operationId = "removeFromPlaylist",
      summary = "Remove an item (host) or propose removing it (guest)",
      description = "A guest's removal becomes a pending request.")
  @ApiResponse(responseCode = "204", description = "Host: removed.")
  @ApiResponse(
      responseCode = "202",
      description = "Guest: the pending request.",
      content = @Content(schema = @Schema(ref = GUEST_REQUEST)))
  @ApiResponse(responseCode = "404", description = "No such session or item (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  @ApiResponse(
      responseCode = "429",
      description =
          "A guest over the request limit of the guest or of the session (`rate_limited`).")
  public Response remove(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The playlist item's id.") @PathParam("itemId") String itemId) {
    String sessionId = Ids.requireUuid(id, "session");
    String item = Ids.requireUuid(itemId, "playlist item");
    if (isGuest(who)) {
      var change = new ProposedChange(ProposedChange.REMOVE, null, null, item, null, null);
      return Response.accepted(proposals.propose(who, sessionId, change).request()).build();
    }
    playlist.remove(sessionId, item);
    return Response.noContent().build();
  }

  /** A member without {@code edit_playlist}: its edits become requests. */
  private static boolean isGuest(SamesongPrincipal who) {
    return !who.can(Rights.EDIT_PLAYLIST);
  }

  /** True for an add by URL; 400 unless exactly one of track_id and url is given. */
  static boolean byUrl(PlaylistEditRequest body) {
    boolean track = body.trackId() != null && !body.trackId().isBlank();
    boolean url = body.url() != null && !body.url().isBlank();
    if (track && url) {
      throw ApiException.badRequest("url", "cannot be given together with track_id");
    }
    if (!track && !url) {
      throw ApiException.badRequest("track_id", "is required (or a url)");
    }
    return url;
  }
}
