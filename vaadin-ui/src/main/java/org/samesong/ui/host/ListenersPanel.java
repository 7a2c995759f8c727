package org.samesong.ui.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.samesong.common.ApiException;
import org.samesong.session.api.MemberJson;
import org.samesong.ui.shell.Notices;

/**
 * The listeners of a session for its host: who is there, their player's state and drift, and a Kick
 * button per guest. A room may hold a thousand listeners, so the list is loaded once (and again
 * after a kick or a resync) into a map by member id, each {@code member_update} changes only the
 * members it names, and a virtualised grid of fixed height renders only the rows in view.
 */
class ListenersPanel extends VerticalLayout {
  /** Up to this many listeners the grid grows with its rows; beyond, it scrolls. */
  static final int ROWS_WITHOUT_SCROLLING = 8;

  /** From this many listeners on, a name filter is offered. */
  static final int FILTER_FROM = 10;

  /** Rows per fetch: the grid shows about ten at its fixed height. */
  static final int PAGE_SIZE = 20;

  private final Supplier<List<MemberJson>> load;
  private final Kicker kicker;
  private final Map<String, Listener> byId = new HashMap<>();
  private final ListDataProvider<Listener> rows =
      new ListDataProvider<>(byId.values()) {
        @Override
        public Object getId(Listener item) {
          // a changed member is the same row: refreshItem finds it by id
          return item.memberId();
        }
      };
  private final H3 heading = new H3("Listeners");
  private final TextField filter = new TextField();
  private final Grid<Listener> grid = new Grid<>();

  /** Removes a guest from the session. */
  @FunctionalInterface
  interface Kicker {
    /** Kicks the member; with {@code ban}, its browser and address cannot join again. */
    void kick(String memberId, boolean ban);
  }

  /** Opens what a listener may do (co-host, single rights, hand-over). */
  @FunctionalInterface
  interface RightsEditor {
    /** Whether the viewer may change this listener's rights (host: anyone; co-host: guests). */
    default boolean mayChange(Listener l) {
      return true;
    }

    void open(String memberId);
  }

  private final RightsEditor rights;

  ListenersPanel(Supplier<List<MemberJson>> load, Kicker kicker, RightsEditor rights) {
    this.load = load;
    this.kicker = kicker;
    this.rights = rights;
    setId("listeners-panel");
    setPadding(false);
    setSpacing(false);
    heading.setId("listeners-heading");

    filter.setId("listener-filter");
    filter.setPlaceholder("Find a listener");
    filter.setAriaLabel("Find a listener by name");
    filter.setClearButtonVisible(true);
    filter.setValueChangeMode(ValueChangeMode.LAZY);
    filter.setWidthFull();
    filter.addValueChangeListener(e -> applyFilter(e.getValue()));
    filter.setVisible(false);

    rows.setSortComparator(Listener.ORDER::compare);
    grid.setId("listeners");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT);
    grid.setItems(rows);
    // about two screens of rows per fetch (not 50): a refresh re-sends, and rebuilds the Kick
    // buttons of, only what the browser holds
    grid.setPageSize(PAGE_SIZE);
    grid.setWidthFull();
    grid.addColumn(ListenersPanel::name)
        .setHeader("Listener")
        .setKey("name")
        .setFlexGrow(1)
        .setWidth("5rem")
        .setTooltipGenerator(Listener::displayName);
    grid.addColumn(Listener::state)
        .setHeader("State")
        .setKey("state")
        .setFlexGrow(0)
        .setWidth("5.5rem")
        .setTooltipGenerator(Listener::state);
    grid.addColumn(l -> drift(l.driftMs()))
        .setHeader("Drift")
        .setKey("drift")
        .setFlexGrow(0)
        .setWidth("5.5rem")
        .setTextAlign(ColumnTextAlign.END)
        .setComparator(
            Comparator.comparing(
                (Listener l) -> l.driftMs() == null ? null : Math.abs(l.driftMs()),
                Comparator.nullsLast(Comparator.naturalOrder())));
    grid.addColumn(new ComponentRenderer<>(this::kickButton, this::kickButtonFor))
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    add(heading, filter, grid);
    showSize();
  }

  /** Built only for the rows the browser shows (the grid is virtualised), and kept on refreshes. */
  private Component kickButton(Listener l) {
    if (l.isHost()) {
      return new Span();
    }
    String memberId = l.memberId();
    Button kick = new Button("Kick", e -> kick(byId.get(memberId), false));
    kick.addThemeVariants(
        ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_ERROR);
    kick.setId("kick-" + memberId);
    kick.getElement().setAttribute("aria-label", "Kick " + l.displayName());
    Button ban = new Button("Ban", e -> kick(byId.get(memberId), true));
    ban.addThemeVariants(
        ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_ERROR);
    ban.setId("ban-" + memberId);
    ban.getElement().setAttribute("aria-label", "Ban " + l.displayName());
    ban.setTooltipText("Remove, and keep this browser and address out of the session");
    HorizontalLayout actions = new HorizontalLayout(kick, ban);
    if (rights != null && rights.mayChange(l)) {
      Button edit = new Button("Rights", e -> rights.open(memberId));
      edit.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
      edit.setId("rights-" + memberId);
      // the visible word first: a screen reader and a voice command both find "Rights"
      edit.getElement().setAttribute("aria-label", "Rights of " + l.displayName());
      actions.addComponentAsFirst(edit);
    }
    actions.setSpacing(false);
    actions.setId("actions-" + memberId);
    actions.getElement().setAttribute("data-role", l.role() == null ? "" : l.role());
    return actions;
  }

  /** A refreshed row keeps its buttons: they depend on nothing but the member's id and role. */
  private Component kickButtonFor(Component current, Listener l) {
    boolean fits =
        l.isHost()
            ? current instanceof Span
            : current instanceof HorizontalLayout h
                && h.getId().orElse("").equals("actions-" + l.memberId())
                && (l.role() == null ? "" : l.role())
                    .equals(h.getElement().getAttribute("data-role"));
    return fits ? current : kickButton(l);
  }

  private static String name(Listener l) {
    if (l.isHost()) {
      return l.displayName() + " (host)";
    }
    return "cohost".equals(l.role()) ? l.displayName() + " (co-host)" : l.displayName();
  }

  static String drift(Double driftMs) {
    if (driftMs == null) {
      return "–";
    }
    return String.format(Locale.ROOT, "%+.1f ms", driftMs);
  }

  /** Loads every member again from the session (at start, after a kick, after a resync). */
  void reload() {
    byId.clear();
    for (MemberJson m : load.get()) {
      byId.put(m.memberId(), Listener.of(m));
    }
    rows.refreshAll();
    showSize();
  }

  /**
   * Applies a {@code member_update}: its {@code members} are upserted, its {@code left} removed.
   * The older shape (every member, without {@code left} and {@code member_count}) is read the same
   * way. At most one full refresh of the grid per message, when rows came, went or move; rows whose
   * place does not change (drift and state reports) are refreshed alone, which costs nothing for
   * the rows out of view.
   */
  void apply(JsonNode message) {
    if (message == null || !message.path("members").isArray()) {
      reload();
      return;
    }
    boolean reorder = false;
    List<Listener> changed = new ArrayList<>();
    for (JsonNode m : message.path("members")) {
      String id = m.path("member_id").asText("");
      if (id.isEmpty()) {
        continue;
      }
      Listener before = byId.get(id);
      Listener after = Listener.merge(before, m);
      byId.put(id, after);
      if (after.movesFrom(before)) {
        reorder = true;
      } else if (!after.equals(before)) {
        changed.add(after);
      }
    }
    Set<String> left = new HashSet<>();
    for (JsonNode id : message.path("left")) {
      left.add(id.asText());
    }
    if (byId.keySet().removeAll(left)) {
      reorder = true;
    }
    JsonNode count = message.path("member_count");
    if (count.canConvertToInt() && count.asInt() != byId.size()) {
      // a change went by unheard (or the list was read between a change and its message)
      reload();
      return;
    }
    if (reorder) {
      rows.refreshAll();
    } else {
      changed.forEach(rows::refreshItem);
    }
    showSize();
  }

  private void applyFilter(String typed) {
    String wanted = typed == null ? "" : typed.strip().toLowerCase(Locale.ROOT);
    rows.setFilter(
        wanted.isEmpty() ? null : l -> l.displayName().toLowerCase(Locale.ROOT).contains(wanted));
  }

  private void showSize() {
    int total = byId.size();
    long connected = byId.values().stream().filter(Listener::connected).count();
    heading.setText(heading(connected, total));
    boolean many = total > ROWS_WITHOUT_SCROLLING;
    if (many) {
      grid.setAllRowsVisible(false);
      // a fixed height whatever the room's size: the browser renders only the rows in view
      grid.setHeight("22rem");
    } else {
      grid.setHeight(null);
      grid.setAllRowsVisible(true);
    }
    boolean filtering = !filter.isEmpty();
    filter.setVisible(total >= FILTER_FROM || filtering);
  }

  static String heading(long connected, int total) {
    return String.format(Locale.ENGLISH, "Listeners · %,d connected of %,d", connected, total);
  }

  /**
   * Kicks (with {@code ban}: and bans) after a few seconds in which the host can take it back: a
   * kick revokes the guest's tokens at once, so it cannot be undone once done.
   */
  private void kick(Listener listener, boolean ban) {
    if (listener == null) {
      return; // gone already
    }
    String memberId = listener.memberId();
    String name = listener.displayName();
    Notices.deferred(
        (ban ? "Banning " : "Removing ") + name + "…",
        () -> {
          try {
            kicker.kick(memberId, ban);
          } catch (ApiException e) {
            Notices.error(e);
          }
          reload();
        },
        () -> Notices.info(name + " stays"));
  }

  /** How many listeners are shown, for tests and the console. */
  int size() {
    return byId.size();
  }
}
