package org.samesong.request;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.request.api.DenyRequest;
import org.samesong.request.api.RequestJson;

/** {@code /api/requests/{id}}: the host approves or denies; the author cancels. */
@Path("/requests/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RequestResource {
  private final RequestService requests;

  public RequestResource(RequestService requests) {
    this.requests = requests;
  }

  @POST
  @Path("/approve")
  @RolesAllowed("host")
  public RequestJson approve(@Auth SamesongPrincipal host, @PathParam("id") String id) {
    return requests.approve(host, Ids.requireUuid(id, "request")).request();
  }

  @POST
  @Path("/deny")
  @RolesAllowed("host")
  public RequestJson deny(
      @Auth SamesongPrincipal host, @PathParam("id") String id, DenyRequest body) {
    return requests
        .deny(host, Ids.requireUuid(id, "request"), body == null ? null : body.reason())
        .request();
  }

  @DELETE
  @RolesAllowed("guest")
  public RequestJson cancel(@Auth SamesongPrincipal guest, @PathParam("id") String id) {
    return requests.cancel(guest, Ids.requireUuid(id, "request"));
  }
}
