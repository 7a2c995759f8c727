package org.samesong.settings;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samesong.common.ApiException;

/** {@code /api/admin/settings}: read and change the runtime settings. */
@Tag(name = "settings")
@Path("/admin/settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class SettingsResource {
  /** Written from {@link Settings#ALL} by the document itself: a map has no fixed schema. */
  private static final String SETTINGS = "#/components/schemas/Settings";

  private final SettingsService settings;

  public SettingsResource(SettingsService settings) {
    this.settings = settings;
  }

  @GET
  @Operation(operationId = "getSettings", summary = "Every runtime setting")
  @ApiResponse(
      responseCode = "200",
      description = "The settings by key.",
      content = @Content(schema = @Schema(ref = SETTINGS)))
  public Map<String, Object> get() {
    return settings.all();
  }

  @PATCH
  @Operation(
      operationId = "changeSettings",
      summary = "Change runtime settings",
      description =
          "Any subset of the settings. All or nothing: an unknown key or a bad value changes"
              + " nothing. Takes effect at once, on every instance.",
      requestBody =
          @RequestBody(required = true, content = @Content(schema = @Schema(ref = SETTINGS))))
  @ApiResponse(
      responseCode = "200",
      description = "Every setting, after the change.",
      content = @Content(schema = @Schema(ref = SETTINGS)))
  @ApiResponse(
      responseCode = "400",
      description =
          "Not a JSON object, an unknown key (`unknown_setting`) or a bad value; `field` names"
              + " the key.")
  public Map<String, Object> patch(@Parameter(hidden = true) @NotNull JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_body", "body", "send a JSON object of settings");
    }
    Map<String, JsonNode> changes = new LinkedHashMap<>();
    body.fields().forEachRemaining(e -> changes.put(e.getKey(), e.getValue()));
    return settings.update(changes);
  }
}
