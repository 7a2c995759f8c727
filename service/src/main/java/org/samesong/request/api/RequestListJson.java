package org.samesong.request.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code GET /api/sessions/{id}/requests}: {@code {requests: [...]}}. */
@Schema(name = "GuestRequestList")
public record RequestListJson(List<RequestJson> requests) {
  public RequestListJson {
    requests = List.copyOf(requests);
  }
}
