package org.samesong.request;

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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.ProposedChange;
import org.samesong.request.api.NewRequest;
import org.samesong.request.api.RequestJson;
import org.samesong.request.api.RequestListJson;

/** {@code /api/sessions/{id}/requests}: a guest files a request; members list them. */
@Tag(name = "requests")
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
  @Operation(
      operationId = "createRequest",
      summary = "Propose a playlist change",
      description =
          "`add` (`track_id` or `url`, optional `position`), `move` (`item_id`, `position`) or"
              + " `remove` (`item_id`), with an optional `note`. The host sees it at once. Bad"
              + " input is refused before the rate limit and uses none of it.")
  @ApiResponse(
      responseCode = "201",
      description = "The pending request.",
      content = @Content(schema = @Schema(implementation = RequestJson.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "`action` unknown, a field missing or wrong for it, a URL that is not acceptable;"
              + " `field` names it.")
  @ApiResponse(responseCode = "404", description = "No such session, track or item (`not_found`).")
  @ApiResponse(responseCode = "409", description = "The session has ended (`session_ended`).")
  @ApiResponse(
      responseCode = "429",
      description = "Over the request limit of the guest or of the session (`rate_limited`).")
  public Response create(
      @Auth SamesongPrincipal guest,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull NewRequest body) {
    var change =
        new ProposedChange(
            body.action(), body.trackId(), body.url(), body.itemId(), body.position(), body.note());
    return Response.status(201)
        .entity(requests.create(guest, Ids.requireUuid(id, "session"), change))
        .build();
  }

  @GET
  @RolesAllowed("member")
  @Operation(
      operationId = "listRequests",
      summary = "The session's requests",
      description = "The host sees every request; a guest their own and every decided one.")
  @ApiResponse(
      responseCode = "200",
      description = "The requests, oldest first.",
      useReturnTypeSchema = true)
  @ApiResponse(responseCode = "400", description = "`status` is not one of the statuses.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  public RequestListJson list(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(
              description = "Only requests with this status.",
              schema = @Schema(implementation = RequestStatus.class))
          @QueryParam("status")
          String status) {
    return new RequestListJson(requests.list(who, Ids.requireUuid(id, "session"), status));
  }
}
