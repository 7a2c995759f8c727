package org.samesong.session;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;

/** {@code /api/knocks/{id}}: how a knock went (for its knocker), admit and refuse. */
@Tag(name = "sessions")
@Path("/knocks/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class KnockResource {
  private final KnockService knocks;

  public KnockResource(KnockService knocks) {
    this.knocks = knocks;
  }

  @GET
  @SecurityRequirement(name = "knockToken")
  @Operation(
      operationId = "getKnock",
      summary = "How a knock went, for its knocker",
      description =
          "With `Authorization: Bearer <knock_token>` (from the 202 of the join). `status`"
              + " `pending`, `admitted` or `refused`; the first answer after the admission is the"
              + " guest's join answer (tokens and state), as a join's 200.")
  @ApiResponse(
      responseCode = "200",
      description = "The knock, or once admitted the join answer.",
      content = @Content(schema = @Schema(oneOf = {KnockJson.class, JoinedJson.class})))
  @ApiResponse(responseCode = "401", description = "No or the wrong knock token.")
  public Object status(
      @Parameter(description = "The knock's id.") @PathParam("id") String id,
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    String token =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).strip()
            : null;
    return knocks.status(Ids.requireUuid(id, "knock"), token);
  }

  @POST
  @Path("/admit")
  @RolesAllowed({"host", "cohost"})
  @Operation(operationId = "admitKnock", summary = "Let a knocker in (host or co-host)")
  @ApiResponse(
      responseCode = "200",
      description = "The knock, admitted.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "403",
      description = "Not the host or a co-host of the knock's session (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such knock (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description =
          "Decided already (`already_decided`), the name is taken meanwhile"
              + " (`display_name_taken`) or the session is full (`session_full`).")
  public KnockJson admit(
      @Auth SamesongPrincipal caller,
      @Parameter(description = "The knock's id.") @PathParam("id") String id) {
    return knocks.admit(caller, Ids.requireUuid(id, "knock"));
  }

  @POST
  @Path("/refuse")
  @RolesAllowed({"host", "cohost"})
  @Operation(operationId = "refuseKnock", summary = "Turn a knocker away (host or co-host)")
  @ApiResponse(
      responseCode = "200",
      description = "The knock, refused.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "403",
      description = "Not the host or a co-host of the knock's session (`forbidden`).")
  @ApiResponse(responseCode = "404", description = "No such knock (`not_found`).")
  @ApiResponse(responseCode = "409", description = "Decided already (`already_decided`).")
  public KnockJson refuse(
      @Auth SamesongPrincipal caller,
      @Parameter(description = "The knock's id.") @PathParam("id") String id) {
    return knocks.refuse(caller, Ids.requireUuid(id, "knock"));
  }
}
