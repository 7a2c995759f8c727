package org.samesong.request;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "requests")
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
  @RolesAllowed({"host", "decide_requests"})
  @Operation(
      operationId = "approveRequest",
      summary = "Approve a pending request",
      description =
          "Applies the change and decides the request in one transaction. A URL is probed now:"
              + " when that fails, the probe's error comes back and the request stays pending.")
  @ApiResponse(
      responseCode = "200",
      description = "The approved request.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "The request's URL is refused (`invalid_url`, `url_not_allowed`).")
  @ApiResponse(
      responseCode = "403",
      description = "The request belongs to another session (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such request (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description = "Decided already (`already_decided`), or the session has ended.")
  @ApiResponse(responseCode = "413", description = "The URL's audio is larger than 64 MiB.")
  @ApiResponse(
      responseCode = "422",
      description = "The URL cannot be fetched or is not audio; the request stays pending.")
  public RequestJson approve(
      @Auth SamesongPrincipal host,
      @Parameter(description = "The request's id.") @PathParam("id") String id) {
    return requests.approve(host, Ids.requireUuid(id, "request")).request();
  }

  @POST
  @Path("/deny")
  @RolesAllowed({"host", "decide_requests"})
  @Operation(
      operationId = "denyRequest",
      summary = "Deny a pending request",
      description = "With an optional `reason` for the guest; the body may be left out.")
  @ApiResponse(
      responseCode = "200",
      description = "The denied request.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "403",
      description = "The request belongs to another session (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such request (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description = "Decided already (`already_decided`), or the session has ended.")
  public RequestJson deny(
      @Auth SamesongPrincipal host,
      @Parameter(description = "The request's id.") @PathParam("id") String id,
      DenyRequest body) {
    return requests
        .deny(host, Ids.requireUuid(id, "request"), body == null ? null : body.reason())
        .request();
  }

  @DELETE
  @RolesAllowed("guest")
  @Operation(operationId = "cancelRequest", summary = "Cancel one's own pending request")
  @ApiResponse(
      responseCode = "200",
      description = "The cancelled request.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "403",
      description = "Only its author can cancel a request (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such request (`not_found`).")
  @ApiResponse(responseCode = "409", description = "Decided already (`already_decided`).")
  public RequestJson cancel(
      @Auth SamesongPrincipal guest,
      @Parameter(description = "The request's id.") @PathParam("id") String id) {
    return requests.cancel(guest, Ids.requireUuid(id, "request"));
  }
}
