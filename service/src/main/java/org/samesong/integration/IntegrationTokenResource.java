package org.samesong.integration;

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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.integration.api.IntegrationTokenJson;
import org.samesong.integration.api.IntegrationTokenListJson;
import org.samesong.integration.api.NewIntegrationToken;

/** {@code /api/sessions/{id}/integration-tokens}: the host's read-only tokens for the events. */
@Tag(name = "integrations")
@Path("/sessions/{id}/integration-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("host")
public class IntegrationTokenResource {
  private final IntegrationTokenService tokens;

  public IntegrationTokenResource(IntegrationTokenService tokens) {
    this.tokens = tokens;
  }

  @POST
  @Operation(
      operationId = "createIntegrationToken",
      summary = "Make a read-only token for the session's event stream",
      description =
          "The token (shown in this answer only) reads `GET /api/sessions/{id}/events` of this"
              + " session and nothing else, until it is revoked or the session ends.")
  @ApiResponse(
      responseCode = "201",
      description = "The token.",
      content = @Content(schema = @Schema(implementation = IntegrationTokenJson.class)))
  @ApiResponse(
      responseCode = "400",
      description = "`name` missing, too long or with control characters.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description = "The session has ended, or has 20 live tokens (`too_many_tokens`).")
  public Response create(
      @Auth SamesongPrincipal host,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @NotNull NewIntegrationToken body) {
    return Response.status(201)
        .entity(tokens.create(host, Ids.requireUuid(id, "session"), body.name()))
        .build();
  }

  @GET
  @Operation(operationId = "listIntegrationTokens", summary = "The session's integration tokens")
  @ApiResponse(
      responseCode = "200",
      description = "Newest first, without the tokens themselves.",
      useReturnTypeSchema = true)
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  public IntegrationTokenListJson list(
      @Parameter(description = "The session's id.") @PathParam("id") String id) {
    return new IntegrationTokenListJson(tokens.list(Ids.requireUuid(id, "session")));
  }

  @DELETE
  @Path("/{tokenId}")
  @Operation(
      operationId = "revokeIntegrationToken",
      summary = "Revoke an integration token",
      description = "It stops at once: streams opened with it close, on every instance.")
  @ApiResponse(responseCode = "204", description = "Revoked.")
  @ApiResponse(
      responseCode = "404",
      description = "No such live token in this session (`not_found`).")
  public Response revoke(
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(description = "The token's id.") @PathParam("tokenId") String tokenId) {
    tokens.revoke(Ids.requireUuid(id, "session"), Ids.requireUuid(tokenId, "integration token"));
    return Response.noContent().build();
  }
}
