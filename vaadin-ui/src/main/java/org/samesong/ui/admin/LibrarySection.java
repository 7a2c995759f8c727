package org.samesong.ui.admin;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.samesong.app.Services;
import org.samesong.media.library.LibraryScanner;
import org.samesong.media.library.ScanProgress;
import org.samesong.ui.shell.UiServices;
import org.samesong.ui.shell.UiTimer;

/**
 * The music library: configured folders (edited with the settings above), problems with them, a
 * rescan button, the scan's progress and the files it skipped, by name. The page looks at the
 * scanner twice a second while it is open (an in-memory snapshot) and pushes what changed, so a
 * scan started anywhere else (a settings change, another admin, the start-up) shows here live.
 */
class LibrarySection extends VerticalLayout {
  private final LibraryScanner scanner;
  private final Span folders = new Span();
  private final Span problems = new Span();
  private final ProgressBar bar = new ProgressBar();
  private final Span status = new Span();
  private final Button rescan = new Button("Rescan library");
  private final UnorderedList skippedList = new UnorderedList();
  private final Details skipped = new Details();
  private ScheduledFuture<?> following;
  private ScanProgress shown;

  LibrarySection() {
    setId("library-section");
    setPadding(false);
    Services services = UiServices.get();
    scanner = services.scanner();
    folders.setId("library-folders");
    problems.setId("library-problems");
    problems.getStyle().set("color", "var(--lumo-error-text-color)");
    bar.setId("scan-progress");
    bar.getElement().setAttribute("aria-label", "Library scan progress");
    bar.setWidth("min(100%, 32rem)");
    status.setId("scan-status");
    rescan.setId("rescan");
    rescan.addClickListener(
        e -> {
          scanner.startScan();
          show(scanner.progress());
        });
    skipped.setId("skipped-files");
    skippedList.setId("skipped-files-list");
    skipped.add(skippedList);
    skipped.setVisible(false);
    Span ffmpeg = new Span("FFmpeg: " + services.ffmpeg().describe());
    ffmpeg.setId("ffmpeg-status");
    add(new H2("Music library"), folders, problems, rescan, bar, status, skipped, ffmpeg);
    addAttachListener(
        e -> {
          show(scanner.progress());
          follow();
        });
    addDetachListener(e -> stopFollowing());
  }

  private void follow() {
    stopFollowing();
    UI ui = UI.getCurrent();
    if (ui == null) {
      return;
    }
    following =
        UiTimer.every(
            ui,
            500,
            TimeUnit.MILLISECONDS,
            () -> {
              ScanProgress progress = scanner.progress();
              if (!progress.equals(shown)) {
                show(progress);
              }
            });
  }

  private void stopFollowing() {
    if (following != null) {
      following.cancel(false);
      following = null;
    }
  }

  /** Shows a progress snapshot. */
  void show(ScanProgress p) {
    shown = p;
    List<String> configured = scanner.folders();
    folders.setText(
        configured.isEmpty()
            ? "No library folders yet: add them in the settings above (library_folders)."
            : "Folders: " + String.join(", ", configured));
    var trouble = scanner.folderProblems();
    problems.setText(
        trouble.isEmpty()
            ? ""
            : "Cannot scan: " + String.join("; ", trouble.stream().map(Object::toString).toList()));
    rescan.setEnabled(!p.running() && !configured.isEmpty());
    if (p.running()) {
      bar.setIndeterminate(p.filesTotal() == 0 || p.phase() == ScanProgress.Phase.COUNTING);
      bar.setValue(
          p.filesTotal() == 0 ? 0 : Math.min(1.0, (double) p.filesSeen() / p.filesTotal()));
      status.setText(
          String.format(
              Locale.ROOT,
              "Scanning (%s): %d of %d files%s",
              p.phase() == null ? "starting" : p.phase().name().toLowerCase(Locale.ROOT),
              p.filesSeen(),
              p.filesTotal(),
              p.currentFolder() == null ? "" : " in " + p.currentFolder()));
    } else {
      bar.setIndeterminate(false);
      bar.setValue(p.state() == ScanProgress.State.IDLE ? 0 : 1);
      status.setText(summary(p));
    }
    showSkipped(p);
  }

  /** The skipped files by name (the first few of them), each with why. */
  private void showSkipped(ScanProgress p) {
    skipped.setVisible(p.skipped() > 0);
    skipped.setSummaryText(
        p.skipped() == 1
            ? "1 file skipped: which, and why"
            : p.skipped() + " files skipped: which, and why");
    skippedList.removeAll();
    p.skippedFiles().forEach(f -> skippedList.add(new ListItem(f)));
    if (p.skipped() > p.skippedFiles().size()) {
      skippedList.add(
          new ListItem(
              "… and "
                  + (p.skipped() - p.skippedFiles().size())
                  + " more (the server's log names them all)"));
    }
  }

  static String summary(ScanProgress p) {
    return switch (p.state()) {
      case IDLE -> "No scan yet.";
      case RUNNING -> "Scanning…";
      case FAILED -> "The last scan failed: " + p.lastError();
      case DONE ->
          String.format(
              Locale.ROOT,
              "Last scan: %d files — %d added, %d updated, %d unchanged, %d removed, %d skipped",
              p.filesSeen(),
              p.added(),
              p.updated(),
              p.unchanged(),
              p.removed(),
              p.skipped());
    };
  }
}
