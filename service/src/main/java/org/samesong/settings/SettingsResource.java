package org.samesong.settings;

import com.fasterxml.jackson.databind.JsonNode;
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
@Path("/admin/settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class SettingsResource {
  private final SettingsService settings;

  public SettingsResource(SettingsService settings) {
    this.settings = settings;
  }

  @GET
  public Map<String, Object> get() {
    return settings.all();
  }

  @PATCH
  public Map<String, Object> patch(@NotNull JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("invalid_body", "body", "send a JSON object of settings");
    }
    Map<String, JsonNode> changes = new LinkedHashMap<>();
    body.fields().forEachRemaining(e -> changes.put(e.getKey(), e.getValue()));
    return settings.update(changes);
  }
}
