package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.Playlist;
import org.samesong.request.RequestService;
import org.samesong.request.api.RequestJson;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.TrackText;

/**
 * Guests' requests for the host: the pending ones with Approve and Deny (with an optional reason),
 * and the decided ones, newest first, with their outcome.
 */
class RequestsPanel extends VerticalLayout {
  private final Services services;
  private final SamesongPrincipal host;
  private final Supplier<Playlist> playlist;
  private final Runnable onApproved;
  private final Grid<RequestJson> pending = new Grid<>();
  private final Grid<RequestJson> history = new Grid<>();

  /**
   * @param playlist the playlist as last read (a request may name one of its items)
   * @param onApproved called after an approval (the playlist re-reads)
   */
  RequestsPanel(
      Services services, SamesongPrincipal host, Supplier<Playlist> playlist, Runnable onApproved) {
    this.services = services;
    this.host = host;
    this.playlist = playlist;
    this.onApproved = onApproved;

    guestAndRequest(pending, "pending-requests");
    pending
        .addComponentColumn(
            r -> {
              Button approve = new Button("Approve", e -> approve(r));
              approve.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_SUCCESS);
              approve.setId("approve-" + r.requestId());
              Button deny = new Button("Deny", e -> askDenyReason(r));
              deny.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
              deny.setId("deny-" + r.requestId());
              return new HorizontalLayout(approve, deny);
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);

    guestAndRequest(history, "request-history");
    history
        .addColumn(
            r ->
                r.status()
                    + (r.reason() == null || r.reason().isBlank() ? "" : " (" + r.reason() + ")"))
        .setHeader("Outcome")
        .setFlexGrow(1);

    add(new H3("Requests"), pending, new H3("Request history"), history);
    setPadding(false);
  }

  /** The columns both lists start with: who asked, and for what. */
  private void guestAndRequest(Grid<RequestJson> grid, String id) {
    grid.setId(id);
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    grid.setAllRowsVisible(true);
    grid.addColumn(RequestJson::requestedByName).setHeader("Guest").setAutoWidth(true);
    grid.addColumn(this::describe).setHeader("Request").setFlexGrow(2);
  }

  private void approve(RequestJson request) {
    try {
      services.requests().approve(host, request.requestId());
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
    refresh();
    onApproved.run();
  }

  private void askDenyReason(RequestJson request) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Deny this request?");
    TextField reason = new TextField("Reason (optional)");
    reason.setId("deny-reason");
    reason.setMaxLength(200);
    reason.setWidthFull();
    Button deny = new Button("Deny");
    deny.setId("deny-confirm");
    deny.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    deny.addClickListener(
        e -> {
          try {
            String text = reason.getValue().strip();
            services.requests().deny(host, request.requestId(), text.isEmpty() ? null : text);
            dialog.close();
          } catch (ApiException ex) {
            reason.setErrorMessage(ex.getMessage());
            reason.setInvalid(true);
          }
          refresh();
        });
    Button cancel = new Button("Cancel", e -> dialog.close());
    dialog.add(new Span(describe(request)), reason);
    dialog.getFooter().add(cancel, deny);
    dialog.open();
  }

  private String describe(RequestJson request) {
    return TrackText.describe(request, services.catalog(), playlist.get());
  }

  /** Re-reads the session's requests: open ones above, decided ones newest first below. */
  void refresh() {
    List<RequestJson> all = services.requests().list(host, host.sessionId(), null);
    List<RequestJson> open = new ArrayList<>();
    List<RequestJson> decided = new ArrayList<>();
    for (RequestJson r : all) {
      (RequestService.PENDING.equals(r.status()) ? open : decided).add(r);
    }
    pending.setItems(open);
    Collections.reverse(decided);
    history.setItems(decided);
  }
}
