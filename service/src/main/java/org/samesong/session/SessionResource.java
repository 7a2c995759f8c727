package org.samesong.session;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.samesong.common.Ids;
import org.samesong.common.Requests;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.api.CreateSessionRequest;
import org.samesong.session.api.JoinRequest;
import org.samesong.session.api.SessionJson;

/** {@code /api/sessions}: create, join by code, view, end, kick. */
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {
  private final SessionService sessions;

  public SessionResource(SessionService sessions) {
    this.sessions = sessions;
  }

  @POST
  @RolesAllowed("user")
  public Response create(
      @Auth SamesongPrincipal caller, CreateSessionRequest body, @Context UriInfo uri) {
    var created = sessions.create(caller, body == null ? null : body.name(), Requests.baseUrl(uri));
    return Response.status(201).entity(created).build();
  }

  @POST
  @Path("/{code}/join")
  public Response join(
      @PathParam("code") String code,
      @NotNull JoinRequest body,
      @Context HttpServletRequest request,
      @Context UriInfo uri) {
    return Response.ok(
            sessions.join(code, body.displayName(), request.getRemoteAddr(), Requests.baseUrl(uri)))
        .build();
  }

  @GET
  @Path("/{id}")
  @RolesAllowed("member")
  public SessionJson get(@PathParam("id") String id, @Context UriInfo uri) {
    return sessions.view(Ids.requireUuid(id, "session"), Requests.baseUrl(uri));
  }

  @DELETE
  @Path("/{id}")
  @RolesAllowed("host")
  public Response end(@PathParam("id") String id) {
    sessions.end(Ids.requireUuid(id, "session"));
    return Response.noContent().build();
  }

  @DELETE
  @Path("/{id}/members/{memberId}")
  @RolesAllowed("host")
  public Response kick(@PathParam("id") String id, @PathParam("memberId") String memberId) {
    sessions.kick(Ids.requireUuid(id, "session"), Ids.requireUuid(memberId, "member"));
    return Response.noContent().build();
  }
}
