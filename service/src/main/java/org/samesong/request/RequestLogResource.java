package org.samesong.request;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.auth.RoleAuthorizer;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.request.api.RequestLogJson;

/**
 * {@code /api/sessions/{id}/requests/export}: the request log as a file, for the host, co-hosts and
 * admins.
 */
@Tag(name = "requests")
@Path("/sessions/{id}/requests/export")
public class RequestLogResource {
  /** The CSV media type with its charset (RFC 4180, UTF-8). */
  public static final String TEXT_CSV = "text/csv; charset=UTF-8";

  private final RequestLogExportService export;

  public RequestLogResource(RequestLogExportService export) {
    this.export = export;
  }

  @GET
  @RolesAllowed({RoleAuthorizer.COHOST, SamesongPrincipal.ADMIN})
  @Produces({TEXT_CSV, MediaType.APPLICATION_JSON})
  @Operation(
      operationId = "exportRequestLog",
      summary = "The request log as a file",
      description =
          "Every request of the session with its decision: id, action, track (id, title, artist),"
              + " url, item_id, position, note, requested_by (name), created_at, status,"
              + " decided_by (name, or `auto`), decided_at, reason. `csv` (default) is RFC 4180"
              + " with a header row; both come as an attachment. The host or a co-host of the"
              + " session, or an admin (any session).")
  @ApiResponse(
      responseCode = "200",
      description = "The log, oldest first.",
      content = {
        @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RequestLogJson.class))
      })
  @ApiResponse(responseCode = "400", description = "`format` is neither `csv` nor `json`.")
  @ApiResponse(
      responseCode = "403",
      description = "Neither the host nor a co-host of this session, nor an admin.")
  @ApiResponse(responseCode = "404", description = "No such session (`not_found`).")
  public Response export(
      @Auth SamesongPrincipal who,
      @Parameter(description = "The session's id.") @PathParam("id") String id,
      @Parameter(
              description = "`csv` (default) or `json`.",
              schema = @Schema(allowableValues = {"csv", "json"}))
          @QueryParam("format")
          String format) {
    String kind = format == null || format.isBlank() ? "csv" : format.strip();
    if (!"csv".equals(kind) && !"json".equals(kind)) {
      throw ApiException.badRequest("format", "must be csv or json");
    }
    String sessionId = Ids.requireUuid(id, "session");
    RequestLogJson log = export.log(sessionId);
    String file = "requests-" + sessionId + "." + kind;
    Response.ResponseBuilder answer =
        "csv".equals(kind)
            ? Response.ok(export.csv(log), TEXT_CSV)
            : Response.ok(log, MediaType.APPLICATION_JSON_TYPE);
    return answer
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
        .build();
  }
}
