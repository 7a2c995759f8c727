package org.samesong.ui.admin;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.List;
import org.samesong.app.Services;
import org.samesong.settings.Settings;
import org.samesong.ui.shell.UiServices;

/** The music library: configured folders and FFmpeg detection. */
class LibrarySection extends VerticalLayout {
  LibrarySection() {
    setId("library-section");
    setPadding(false);
    Services services = UiServices.get();
    List<String> folders = services.settings().get(Settings.LIBRARY_FOLDERS);
    Span folderText =
        new Span(
            folders.isEmpty()
                ? "No library folders yet: add them under Settings → library_folders."
                : "Folders: " + String.join(", ", folders));
    folderText.setId("library-folders");
    Span ffmpeg = new Span("FFmpeg: " + services.ffmpeg().describe());
    ffmpeg.setId("ffmpeg-status");
    add(new com.vaadin.flow.component.html.H2("Music library"), folderText, ffmpeg);
  }
}
