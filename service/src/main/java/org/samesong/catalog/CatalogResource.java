package org.samesong.catalog;

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
import org.samesong.catalog.api.TrackPageJson;
import org.samesong.common.ApiException;

/**
 * {@code GET /api/catalog/tracks?q=&limit=&offset=}: searches the catalog for any account and any
 * session member. Numbers arrive as text and are parsed here, so that {@code limit=abc} gets the
 * API's 400 naming the field rather than Jersey's own refusal. {@code POST} adds a URL track (any
 * account or a host; guests suggest URLs through requests instead).
 */
@Path("/catalog/tracks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"user", "host", "guest"})
public class CatalogResource {
  private final CatalogService catalog;

  public CatalogResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  public TrackPageJson search(
      @QueryParam("q") String q,
      @QueryParam("limit") String limit,
      @QueryParam("offset") String offset) {
    int pageSize =
        number("limit", limit, CatalogService.DEFAULT_LIMIT, 1, CatalogService.MAX_LIMIT);
    int skip = number("offset", offset, 0, 0, CatalogService.MAX_OFFSET);
    return catalog.toJson(catalog.search(q, pageSize, skip));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"user", "host"})
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
