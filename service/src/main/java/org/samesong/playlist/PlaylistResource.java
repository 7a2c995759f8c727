package org.samesong.playlist;

import io.dropwizard.auth.Auth;
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
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.api.PlaylistEditRequest;
import org.samesong.playlist.api.PlaylistJson;

/**
 * {@code /api/sessions/{id}/playlist}. The host edits directly (201/200/204); a guest's edit
 * becomes a pending request for the host (202 with the request).
 */
@Path("/sessions/{id}/playlist")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PlaylistResource {
  private final PlaylistService playlist;
  private final GuestProposals proposals;

  public PlaylistResource(PlaylistService playlist, GuestProposals proposals) {
    this.playlist = playlist;
    this.proposals = proposals;
  }

  @GET
  @RolesAllowed("member")
  public PlaylistJson get(@PathParam("id") String id) {
    return playlist.toJson(playlist.get(Ids.requireUuid(id, "session")));
  }

  @POST
  @RolesAllowed("member")
  public Response add(
      @Auth SamesongPrincipal who, @PathParam("id") String id, @NotNull PlaylistEditRequest body) {
    String sessionId = Ids.requireUuid(id, "session");
    if (isGuest(who)) {
      var change =
          new ProposedChange(
              ProposedChange.ADD, body.trackId(), body.url(), null, body.position(), body.note());
      return Response.accepted(proposals.propose(who, sessionId, change)).build();
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
  public Response move(
      @Auth SamesongPrincipal who,
      @PathParam("id") String id,
      @PathParam("itemId") String itemId,
      @NotNull PlaylistEditRequest body) {
    String sessionId = Ids.requireUuid(id, "session");
    String item = Ids.requireUuid(itemId, "playlist item");
    if (body.position() == null) {
      throw ApiException.badRequest("position", "is required");
    }
    if (isGuest(who)) {
      var change =
          new ProposedChange(ProposedChange.MOVE, null, null, item, body.position(), body.note());
      return Response.accepted(proposals.propose(who, sessionId, change)).build();
    }
    return Response.ok(playlist.toJson(playlist.move(sessionId, item, body.position()).item()))
        .build();
  }

  @DELETE
  @Path("/{itemId}")
  @RolesAllowed("member")
  public Response remove(
      @Auth SamesongPrincipal who, @PathParam("id") String id, @PathParam("itemId") String itemId) {
    String sessionId = Ids.requireUuid(id, "session");
    String item = Ids.requireUuid(itemId, "playlist item");
    if (isGuest(who)) {
      var change = new ProposedChange(ProposedChange.REMOVE, null, null, item, null, null);
      return Response.accepted(proposals.propose(who, sessionId, change)).build();
    }
    playlist.remove(sessionId, item);
    return Response.noContent().build();
  }

  private static boolean isGuest(SamesongPrincipal who) {
    return SamesongPrincipal.GUEST.equals(who.role());
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
