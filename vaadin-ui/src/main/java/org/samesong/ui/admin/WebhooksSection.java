package org.samesong.ui.admin;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Instant;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.UiServices;
import org.samesong.webhook.WebhookService;
import org.samesong.webhook.api.WebhookStatusJson;

/**
 * Webhooks (the URLs are the {@code webhook_urls} setting above): each URL's last delivery, its
 * failures and pending events; the signing secret receivers check signatures with, a button that
 * replaces it, and one that sends every URL a {@code test} event.
 */
class WebhooksSection extends VerticalLayout {
  private final WebhookService webhooks;
  private final TextField secret = new TextField("Signing secret (HMAC-SHA256)");
  private final Grid<WebhookStatusJson.Url> urls = new Grid<>();

  WebhooksSection() {
    setId("webhooks-section");
    setPadding(false);
    webhooks = UiServices.get().webhooks();
    secret.setId("webhook-secret");
    secret.setReadOnly(true);
    secret.setWidth("min(100%, 44rem)");
    urls.setId("webhook-urls");
    urls.setAllRowsVisible(true);
    urls.addColumn(WebhookStatusJson.Url::url).setHeader("URL").setFlexGrow(3);
    urls.addColumn(u -> u.lastStatus() == null ? "–" : u.lastStatus().toString())
        .setHeader("Last status");
    urls.addColumn(
            u ->
                u.lastDeliveryAt() == null
                    ? "never"
                    : Instant.ofEpochMilli(u.lastDeliveryAt()).toString())
        .setHeader("Last attempt");
    urls.addColumn(WebhookStatusJson.Url::failures).setHeader("Failures");
    urls.addColumn(WebhookStatusJson.Url::pending).setHeader("Pending");
    urls.addColumn(u -> u.lastError() == null ? "" : u.lastError())
        .setHeader("Last error")
        .setFlexGrow(2);
    Button rotate =
        new Button(
            "Rotate secret",
            e -> {
              webhooks.rotateSecret();
              refresh();
              Notices.info("New signing secret: receivers need it from now on");
            });
    rotate.setId("webhook-rotate");
    rotate.addThemeVariants(ButtonVariant.LUMO_ERROR);
    Button test =
        new Button(
            "Send test event",
            e -> {
              webhooks.sendTest();
              Notices.info("A test event is on its way to every URL");
            });
    test.setId("webhook-test");
    Button reload = new Button("Refresh", e -> refresh());
    reload.setId("webhook-refresh");
    add(
        new H2("Webhooks"),
        new Span("Every session event is POSTed to each URL of webhook_urls, signed."),
        secret,
        new HorizontalLayout(rotate, test, reload),
        urls);
    addAttachListener(e -> refresh());
  }

  private void refresh() {
    WebhookStatusJson status = webhooks.status();
    secret.setValue(status.signingSecret());
    urls.setItems(status.urls());
  }
}
