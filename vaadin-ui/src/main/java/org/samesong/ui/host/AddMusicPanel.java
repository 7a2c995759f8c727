package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.samesong.app.Services;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.ui.shell.CatalogPicker;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Notices;

/** The host's "Add music": catalog search and an audio file's URL, each added to the playlist. */
class AddMusicPanel extends VerticalLayout {
  private final Services services;
  private final SamesongPrincipal host;
  private final Runnable onAdded;
  private final CatalogPicker catalogPicker = new CatalogPicker("Add", this::addTrack);
  private final TextField url = new TextField();
  private final Button addUrl = new Button("Add URL");

  /**
   * @param onAdded called after a track was added (the playlist re-reads)
   */
  AddMusicPanel(Services services, SamesongPrincipal host, Runnable onAdded) {
    this.services = services;
    this.host = host;
    this.onAdded = onAdded;
    url.setId("add-url");
    url.setPlaceholder("https://example.org/song.mp3");
    url.setWidthFull();
    addUrl.setId("add-url-button");
    addUrl.addClickListener(e -> addByUrl());
    HorizontalLayout byUrl = new HorizontalLayout(url, addUrl);
    byUrl.setWidthFull();
    byUrl.setAlignItems(FlexComponent.Alignment.BASELINE);

    add(new H3("Add music"), catalogPicker, byUrl);
    setPadding(false);
    catalogPicker.refresh();
  }

  private void addTrack(Track track) {
    try {
      services.playlist().add(host.sessionId(), track.id(), null, host.memberId());
      onAdded.run();
      Notices.info("Added " + track.title());
    } catch (ApiException e) {
      Notices.error(e);
    }
  }

  private void addByUrl() {
    String value = url.getValue().strip();
    if (value.isEmpty()) {
      url.setErrorMessage("Enter an http or https address of an audio file");
      url.setInvalid(true);
      return;
    }
    try {
      Track track = UrlTracks.add(services, value);
      url.clear();
      url.setInvalid(false);
      addTrack(track);
    } catch (ApiException e) {
      url.setErrorMessage(FieldRules.sentence(e));
      url.setInvalid(true);
    }
  }
}
