package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.integration.api.IntegrationTokenJson;
import org.samesong.request.api.RequestLogJson;
import org.samesong.ui.shell.Notices;

/**
 * What the session offers the outside world: the request log as a file (CSV or JSON; host and
 * co-hosts), and the read-only integration tokens of its event stream (an overlay, a bot, a venue's
 * display), made here (the token is shown once) and revoked here (the host only).
 */
class IntegrationsPanel extends VerticalLayout {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final Services services;
  private final SamesongPrincipal me;
  private final VerticalLayout tokens = new VerticalLayout();
  private final TextField name = new TextField("Integration name");
  private final TextField made = new TextField("New token (shown once)");

  IntegrationsPanel(Services services, SamesongPrincipal me) {
    this.services = services;
    this.me = me;
    setId("integrations");
    setPadding(false);
    setSpacing(false);

    Anchor csv = download("csv", "Download request log (CSV)");
    csv.setId("export-csv");
    Anchor json = download("json", "JSON");
    json.setId("export-json");
    HorizontalLayout exports = new HorizontalLayout(csv, json);
    exports.setAlignItems(FlexComponent.Alignment.BASELINE);

    name.setId("integration-name");
    name.setMaxLength(80);
    name.setPlaceholder("OBS overlay");
    Button create = new Button("Make token", e -> create());
    create.setId("integration-create");
    create.addThemeVariants(ButtonVariant.LUMO_SMALL);
    HorizontalLayout form = new HorizontalLayout(name, create);
    form.setAlignItems(FlexComponent.Alignment.BASELINE);
    made.setId("integration-token");
    made.setReadOnly(true);
    made.setWidthFull();
    made.setVisible(false);
    tokens.setId("integration-tokens");
    tokens.setPadding(false);
    tokens.setSpacing(false);
    add(new H3("Integrations"), exports);
    if (me.rights().isHost()) {
      add(
          new Span("Read-only tokens for the live event stream (GET /api/sessions/{id}/events):"),
          form,
          made,
          tokens);
      refresh();
    }
  }

  private Anchor download(String format, String label) {
    DownloadHandler handler =
        DownloadHandler.fromInputStream(
            event -> {
              RequestLogJson log = services.requestLog().log(me.sessionId());
              byte[] body =
                  "csv".equals(format)
                      ? services.requestLog().csv(log).getBytes(StandardCharsets.UTF_8)
                      : JSON.writeValueAsBytes(log);
              return new DownloadResponse(
                  new ByteArrayInputStream(body),
                  "requests-" + me.sessionId() + "." + format,
                  "csv".equals(format) ? "text/csv; charset=UTF-8" : "application/json",
                  body.length);
            });
    return new Anchor(handler, AttachmentType.DOWNLOAD, label);
  }

  private void create() {
    try {
      IntegrationTokenJson token =
          services.integrationTokens().create(me, me.sessionId(), name.getValue());
      made.setValue(token.token());
      made.setVisible(true);
      name.clear();
      refresh();
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
  }

  private void refresh() {
    tokens.removeAll();
    for (IntegrationTokenJson t : services.integrationTokens().list(me.sessionId())) {
      if (t.revokedAt() != null) {
        continue;
      }
      Button revoke =
          new Button(
              "Revoke",
              e -> {
                services.integrationTokens().revoke(me.sessionId(), t.id());
                refresh();
              });
      revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
      revoke.setId("revoke-" + t.id());
      HorizontalLayout row = new HorizontalLayout(new Span(t.name()), revoke);
      row.setAlignItems(FlexComponent.Alignment.BASELINE);
      row.addClassName("integration-token-row");
      tokens.add(row);
    }
  }
}
