package org.samesong.ui.shell;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.function.Consumer;
import org.samesong.catalog.Page;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;

/**
 * Catalog search as the host console and the guest player show it: a search field (title, artist or
 * album, as you type) over a list of tracks, each with one action button ("Add", "Suggest").
 */
public class CatalogPicker extends VerticalLayout {
  private final TextField search = new TextField();
  private final Grid<Track> results = new Grid<>();

  /**
   * @param action the label of each track's button
   * @param onPick what the button does with its track
   */
  public CatalogPicker(String action, Consumer<Track> onPick) {
    setPadding(false);
    search.setId("catalog-search");
    search.setPlaceholder("Search title, artist or album");
    search.setClearButtonVisible(true);
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.setWidthFull();
    search.addValueChangeListener(e -> refresh());
    results.setId("catalog-results");
    results.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    results.setAllRowsVisible(true);
    results.addColumn(TrackText::describe).setHeader("Track").setFlexGrow(3);
    results
        .addColumn(t -> MinutesSeconds.format(t.durationMs()))
        .setHeader("Length")
        .setFlexGrow(0)
        .setWidth("5rem");
    results
        .addComponentColumn(
            t -> {
              Button pick = new Button(action, e -> onPick.accept(t));
              pick.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
              pick.setId(action.toLowerCase(java.util.Locale.ROOT) + "-" + t.id());
              return pick;
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    add(search, results);
  }

  /** Runs the search again (the first page of 20; more matches are counted in the helper text). */
  public void refresh() {
    try {
      Page page = UiServices.get().catalog().search(search.getValue(), 20, 0);
      results.setItems(page.items());
      search.setHelperText(
          page.total() > page.items().size()
              ? "Showing " + page.items().size() + " of " + page.total()
              : null);
      search.setInvalid(false);
    } catch (ApiException e) {
      search.setErrorMessage(FieldRules.sentence(e));
      search.setInvalid(true);
    }
  }
}
