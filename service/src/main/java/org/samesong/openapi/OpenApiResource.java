package org.samesong.openapi;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/openapi.json} and {@code /api/openapi.yaml}: the {@link OpenApiDocument}, for
 * anyone and without a token. Not in the document itself: it is the document.
 */
@Hidden
@Path("/openapi.{format: json|yaml}")
public class OpenApiResource {
  static final String YAML = "application/yaml";

  private final OpenApiDocument document;

  public OpenApiResource(OpenApiDocument document) {
    this.document = document;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, YAML})
  public Response get(@PathParam("format") String format) {
    return "yaml".equals(format)
        ? Response.ok(document.yaml(), YAML).build()
        : Response.ok(document.json(), MediaType.APPLICATION_JSON_TYPE).build();
  }
}
