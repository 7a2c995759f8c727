package org.samesong.catalog;

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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.catalog.api.NewUrlTrack;
import org.samesong.catalog.api.TrackJson;
import org.samesong.catalog.api.TrackPageJson;
import org.samesong.common.ApiException;

/**
 * {@code GET /api/catalog/tracks?q=&limit=&offset=}: searches the catalog for any account and any
 * session member. Numbers arrive as text and are parsed here, so that {@code limit=abc} gets the
 * API's 400 naming the field rather than Jersey's own refusal. {@code POST} adds a URL track (any
 * account or a host; guests suggest URLs through requests instead).
 */
@Tag(name = "catalog")
@Path("/catalog/tracks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"user", "host", "guest"})
public class CatalogResource {
  private final CatalogService catalog;

  public CatalogResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @Operation(
      operationId = "searchCatalog",
      summary = "Search the catalog",
      description =
          "Tracks whose title, artist or album contain every word of `q` (case-insensitive"
              + " substrings), ordered by title, then artist. Each track carries a signed"
              + " `stream_url`.")
  @ApiResponse(
      responseCode = "200",
      description = "One page of matches and their total.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "`q`, `limit` or `offset` is out of range or not a number; `field` names it.")
  public TrackPageJson search(
      @Parameter(
              description = "Words every match contains; empty or missing: every track.",
              schema = @Schema(maxLength = 200))
          @QueryParam("q")
          String q,
      @Parameter(
              description = "Page size.",
              schema =
                  @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
          @QueryParam("limit")
          String limit,
      @Parameter(
              description = "Matches to skip.",
              schema =
                  @Schema(type = "integer", minimum = "0", maximum = "1000000", defaultValue = "0"))
          @QueryParam("offset")
          String offset) {
    int pageSize =
        number("limit", limit, CatalogService.DEFAULT_LIMIT, 1, CatalogService.MAX_LIMIT);
    int skip = number("offset", offset, 0, 0, CatalogService.MAX_OFFSET);
    return catalog.toJson(catalog.search(q, pageSize, skip));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"user", "host"})
  @Operation(
      operationId = "addUrlTrack",
      summary = "Add a track by URL",
      description =
          "The server fetches the http(s) URL once (every address it connects to checked against"
              + " loopback and private ranges unless `allow_private_urls`), reads duration and"
              + " tags, and adds a URL track. The same URL again answers the existing track."
              + " Guests suggest URLs through requests instead.")
  @ApiResponse(
      responseCode = "201",
      description = "Added.",
      content = @Content(schema = @Schema(implementation = TrackJson.class)))
  @ApiResponse(
      responseCode = "200",
      description = "The URL was added before: the existing track.",
      content = @Content(schema = @Schema(implementation = TrackJson.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "`url` is missing, not http(s), malformed, too long or has user info (`invalid_url`),"
              + " or resolves to a refused address (`url_not_allowed`).")
  @ApiResponse(
      responseCode = "413",
      description =
          "The audio is larger than 64 MiB (`too_large`), or the request body larger than the"
              + " server takes (`payload_too_large`).")
  @ApiResponse(
      responseCode = "422",
      description =
          "The URL cannot be fetched (`url_unreachable`) or is not audio with a duration"
              + " (`unprocessable_media`).")
  public Response addUrl(@NotNull NewUrlTrack body) {
    CatalogService.Added added = catalog.addUrl(body.url());
    return Response.status(added.created() ? 201 : 200)
        .entity(catalog.toJson(added.track()))
        .build();
  }

  /** A whole number, or the default when the parameter is absent or empty. */
  private static int number(String field, String raw, int absent, int min, int max) {
    if (raw == null || raw.isBlank()) {
      return absent;
    }
    try {
      return Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(field, "must be a whole number between " + min + " and " + max);
    }
  }
}
