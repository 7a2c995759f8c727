package org.samesong.webhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.webhook.api.SigningSecretJson;
import org.samesong.webhook.api.WebhookStatusJson;

/** {@code /api/admin/webhooks}: status per URL, the signing secret, a test event. */
@Tag(name = "admin")
@Path("/admin/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminWebhookResource {
  private final WebhookService webhooks;

  public AdminWebhookResource(WebhookService webhooks) {
    this.webhooks = webhooks;
  }

  @GET
  @Operation(
      operationId = "webhookStatus",
      summary = "Webhook URLs and how delivering to them goes",
      description =
          "The URLs are the `webhook_urls` setting. Each event is a POST of `{event, event_id,"
              + " session_id, at, data}` with `X-Samesong-Signature: sha256=<hex HMAC-SHA256 of"
              + " the body keyed by signing_secret>` and `X-Samesong-Event-Id`.")
  @ApiResponse(responseCode = "200", description = "The status.", useReturnTypeSchema = true)
  public WebhookStatusJson status() {
    return webhooks.status();
  }

  @POST
  @Path("/rotate-secret")
  @Operation(
      operationId = "rotateWebhookSecret",
      summary = "Replace the signing secret",
      description = "Deliveries from now on, retries included, are signed with the new secret.")
  @ApiResponse(responseCode = "200", description = "The new secret.", useReturnTypeSchema = true)
  public SigningSecretJson rotateSecret() {
    return new SigningSecretJson(webhooks.rotateSecret());
  }

  @POST
  @Path("/test")
  @Operation(
      operationId = "testWebhooks",
      summary = "Send a test event to every URL",
      description = "Queues an event `test` for every URL of `webhook_urls`.")
  @ApiResponse(
      responseCode = "202",
      description = "Queued (for no URL at all when `webhook_urls` is empty).")
  public Response test() {
    webhooks.sendTest();
    return Response.accepted().build();
  }
}
