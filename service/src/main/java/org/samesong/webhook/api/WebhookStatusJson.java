package org.samesong.webhook.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The webhooks as the admin screen shows them. */
public record WebhookStatusJson(
    @Schema(description = "The key of the `X-Samesong-Signature` HMAC-SHA256.")
        @JsonProperty("signing_secret")
        String signingSecret,
    List<Url> urls) {

  /** One URL of the {@code webhook_urls} setting and how delivering to it went. */
  public record Url(
      String url,
      @Schema(
              nullable = true,
              description =
                  "HTTP status of the last attempt; null before any, or when it got no answer"
                      + " (`last_error` says why)")
          @JsonProperty("last_status")
          Integer lastStatus,
      @Schema(nullable = true, description = "Epoch ms of the last attempt.")
          @JsonProperty("last_delivery_at")
          Long lastDeliveryAt,
      @Schema(description = "Events not delivered yet.") long pending,
      @Schema(description = "Failed attempts since the last success.") int failures,
      @Schema(nullable = true) @JsonProperty("last_error") String lastError) {}
}
