package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.request.RequestService;
import org.samesong.request.RequestStatus;
import org.samesong.request.api.RequestJson;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.TrackText;

/**
 * Guests' requests for the host: the pending ones with Approve and Deny (with an optional reason)
 * under a heading with their count, and, placed apart by the console ({@link #history()}), the
 * decided ones, newest first, with their outcome. When new requests arrive the tab's title shows
 * the count and one notice says who asked (one per arrival, however many came at once).
 */
class RequestsPanel extends VerticalLayout {
  private final Services services;
  private final SamesongPrincipal host;
  private final Supplier<Playlist> playlist;
  private final Runnable onApproved;
  private final Grid<RequestJson> pending = new Grid<>();
  private final Grid<RequestJson> history = new Grid<>();
  private final H3 title = new H3("Requests ");
  private final Span count = new Span();
  private final Span empty = new Span("No requests waiting. Guests' suggestions appear here.");
  private final VerticalLayout historyPanel = new VerticalLayout();
  private final Set<String> seen = new HashSet<>();
  private boolean firstRead = true;

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
              Button approve = new Button("Approve", e -> approveUnlessQueued(r));
              approve.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_SUCCESS);
              approve.setId("approve-" + r.requestId());
              String subject = r.requestedByName() + "'s request: " + describe(r);
              approve.getElement().setAttribute("aria-label", "Approve " + subject);
              Button deny = new Button("Deny", e -> askDenyReason(r));
              deny.getElement().setAttribute("aria-label", "Deny " + subject);
              deny.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
              deny.setId("deny-" + r.requestId());
              // one above the other: the grid fits a 360-px phone without scrolling sideways
              VerticalLayout buttons = new VerticalLayout(approve, deny);
              buttons.setPadding(false);
              buttons.setSpacing(false);
              buttons.getStyle().set("gap", "var(--lumo-space-xs)");
              return buttons;
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);

    guestAndRequest(history, "request-history");
    history
        .addColumn(
            r ->
                statusWord(r.status())
                    + (r.reason() == null || r.reason().isBlank() ? "" : " (" + r.reason() + ")"))
        .setHeader("Outcome")
        .setWidth("5rem")
        .setFlexGrow(1);

    title.setId("requests-title");
    // focusable by script only: where focus lands after the last request was decided
    title.getElement().setAttribute("tabindex", "-1");
    count.setId("pending-count");
    count.getElement().setAttribute("aria-label", "pending requests");
    count
        .getStyle()
        .set("display", "inline-block")
        .set("min-width", "1.6em")
        .set("padding", "0 0.45em")
        .set("border-radius", "1em")
        .set("text-align", "center")
        .set("font-size", "var(--lumo-font-size-s)")
        .set("vertical-align", "middle")
        .set("color", "var(--lumo-primary-contrast-color)")
        .set("background", "var(--lumo-primary-color)");
    title.add(count);
    empty.setId("no-pending-requests");
    empty.getStyle().set("color", "var(--lumo-secondary-text-color)");
    add(title, empty, pending);
    setId("requests");
    setPadding(false);

    historyPanel.add(new H3("Request history"), history);
    historyPanel.setId("request-history-panel");
    historyPanel.setPadding(false);
  }

  /** The decided requests, for the console to place below what needs the host now. */
  VerticalLayout history() {
    return historyPanel;
  }

  /** The columns both lists start with: who asked, and for what. */
  private void guestAndRequest(Grid<RequestJson> grid, String id) {
    grid.setId(id);
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    grid.setAllRowsVisible(true);
    // small bases that grow, and wrapped text: a 40-character name fits a phone's width
    grid.addColumn(RequestJson::requestedByName)
        .setHeader("Guest")
        .setWidth("5.5rem")
        .setFlexGrow(1);
    grid.addColumn(this::describe).setHeader("Request").setWidth("5rem").setFlexGrow(2);
  }

  /**
   * Approves, unless the request adds a track that is queued already: then the host is asked first,
   * saying where it is (a second copy is rarely wanted, but may be).
   */
  private void approveUnlessQueued(RequestJson request) {
    Object trackId = request.payload() == null ? null : request.payload().get("track_id");
    Optional<PlaylistItem> queued =
        "add".equals(request.action()) && trackId != null
            ? playlist.get().items().stream()
                .filter(i -> trackId.equals(i.track().id()))
                .findFirst()
            : Optional.empty();
    if (queued.isEmpty()) {
      approve(request);
      return;
    }
    PlaylistItem item = queued.get();
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Already in the playlist");
    Span text =
        new Span(
            "\u201c"
                + item.track().title()
                + "\u201d is queued at position "
                + (item.position() + 1)
                + ". Add it again?");
    text.setId("duplicate-warning");
    Button again = new Button("Add again");
    again.setId("approve-duplicate");
    again.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    again.addClickListener(
        e -> {
          dialog.close();
          approve(request);
        });
    Button deny = new Button("Deny instead");
    deny.setId("deny-duplicate");
    deny.addClickListener(
        e -> {
          dialog.close();
          askDenyReason(request);
        });
    Button cancel = new Button("Cancel", e -> dialog.close());
    dialog.add(text);
    dialog.getFooter().add(cancel, deny, again);
    dialog.open();
  }

  private void approve(RequestJson request) {
    try {
      services.requests().approve(host, request.requestId());
    } catch (ApiException e) {
      Notices.error(e);
    }
    refresh();
    onApproved.run();
    focusAfterDecision();
  }

  /**
   * The decided row and its buttons are gone, and focus with them (a browser drops it to the page's
   * body): it goes to the next request's Approve button, or to the Requests heading when none is
   * left. The grid draws the new rows a few frames later, so the script waits for the button.
   */
  private void focusAfterDecision() {
    String next = lastOpen.isEmpty() ? "" : "approve-" + lastOpen.get(0).requestId();
    lastFocusTarget = next.isEmpty() ? "requests-title" : next;
    title
        .getElement()
        .executeJs(
            "const heading = this; let frames = 30;"
                + "const place = () => { const b = $0 && document.getElementById($0);"
                + " if (b) { b.focus(); } else if (--frames > 0) { requestAnimationFrame(place); }"
                + " else { heading.focus(); } };"
                + "requestAnimationFrame(place);",
            next);
  }

  private List<RequestJson> lastOpen = List.of();
  private String lastFocusTarget;

  /** The id of the element focus was sent to after the last decision, for tests. */
  String lastFocusTarget() {
    return lastFocusTarget;
  }

  private static String statusWord(String status) {
    return RequestStatus.of(status)
        .map(
            s ->
                s.word().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.word().substring(1))
        .orElse(status);
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
            refresh();
            focusAfterDecision();
            return;
          } catch (ApiException ex) {
            reason.setErrorMessage(FieldRules.sentence(ex));
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
    lastOpen = open;
    Collections.reverse(decided);
    history.setItems(decided);
    showCount(open);
  }

  /** The badge, the tab's title and, for requests not seen before, one notice. */
  private void showCount(List<RequestJson> open) {
    count.setText(String.valueOf(open.size()));
    count.setVisible(!open.isEmpty());
    empty.setVisible(open.isEmpty());
    getUI()
        .ifPresent(
            ui ->
                ui.getPage()
                    .setTitle(
                        (open.isEmpty() ? "" : "(" + open.size() + ") ") + "Samesong · Host"));
    List<RequestJson> arrived = new ArrayList<>();
    for (RequestJson r : open) {
      if (seen.add(r.requestId())) {
        arrived.add(r);
      }
    }
    if (!firstRead && !arrived.isEmpty()) {
      lastNotice = arrivalNotice(arrived);
      Notices.info(lastNotice);
    }
    firstRead = false;
  }

  private String lastNotice;

  private String arrivalNotice(List<RequestJson> arrived) {
    RequestJson first = arrived.get(0);
    if (arrived.size() == 1) {
      return first.requestedByName() + " asks: " + describe(first);
    }
    return arrived.size() + " new requests, the first from " + first.requestedByName();
  }

  /** The last arrival notice shown, for tests. */
  String lastNotice() {
    return lastNotice;
  }
}
