package org.samesong.request;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.ProposedChange;
import org.samesong.request.api.NewRequest;
import org.samesong.request.api.RequestJson;

/** {@code /api/sessions/{id}/requests}: a guest files a request; members list them. */
@Path("/sessions/{id}/requests")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionRequestResource {
  private final RequestService requests;

  public SessionRequestResource(RequestService requests) {
    this.requests = requests;
  }

  @POST
  @RolesAllowed("guest")
  public Response create(
      @Auth SamesongPrincipal guest, @PathParam("id") String id, @NotNull NewRequest body) {
    var change =
        new ProposedChange(
            body.action(), body.trackId(), body.url(), body.itemId(), body.position(), body.note());
    return Response.status(201)
        .entity(requests.create(guest, Ids.requireUuid(id, "session"), change))
        .build();
  }

  @GET
  @RolesAllowed("member")
  public Map<String, List<RequestJson>> list(
      @Auth SamesongPrincipal who,
      @PathParam("id") String id,
      @QueryParam("status") String status) {
    return Map.of("requests", requests.list(who, Ids.requireUuid(id, "session"), status));
  }
}
