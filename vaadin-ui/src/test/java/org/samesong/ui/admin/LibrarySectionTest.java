package org.samesong.ui.admin;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.media.AudioFixtures;
import org.samesong.ui.UiTestSupport;

class LibrarySectionTest {
  @TempDir Path music;
  private UiTestSupport ui;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    ui.signIn(ui.services.users().createFirstAdmin("alice", "correct horse battery"));
  }

  @AfterEach
  void stop() {
    ui.services.scanner().close();
    ui.close();
  }

  private Span text(String id) {
    return _get(Span.class, s -> s.withId(id));
  }

  @Test
  void without_folders_it_says_where_to_add_them() {
    ui.navigate("admin");
    assertThat(text("library-folders").getText()).contains("No library folders yet");
    assertThat(_get(Button.class, s -> s.withId("rescan")).isEnabled()).isFalse();
    assertThat(text("ffmpeg-status").getText()).startsWith("FFmpeg: not found");
  }

  @Test
  void rescan_reads_new_files_and_reports_the_result() throws Exception {
    AudioFixtures.wav(music.resolve("one.wav"), 1500, new AudioFixtures.Tags("One", "Band", "LP"));
    var folder = JsonNodeFactory.instance.arrayNode().add(music.toString());
    ui.services.settings().update(Map.of("library_folders", folder));
    ui.services.scanner().awaitIdle(Duration.ofSeconds(30));
    ui.navigate("admin");
    assertThat(text("scan-status").getText()).startsWith("Last scan: 1 files — 1 added");

    AudioFixtures.wav(music.resolve("two.wav"), 1500, new AudioFixtures.Tags("Two", "Band", "LP"));
    Files.delete(music.resolve("one.wav"));
    _click(_get(Button.class, s -> s.withId("rescan")));
    ui.services.scanner().awaitIdle(Duration.ofSeconds(30));
    // the section's timer pushes the final state within half a second
    ui.awaitLive("the rescan's result", () -> text("scan-status").getText().contains("1 removed"));
    assertThat(text("scan-status").getText()).contains("1 added", "1 removed");
    assertThat(ui.services.catalog().search("", 10, 0).items())
        .extracting(t -> t.title())
        .containsExactly("Two");
  }

  @Test
  void a_scan_started_elsewhere_shows_live_and_skipped_files_are_named() throws Exception {
    AudioFixtures.wav(music.resolve("one.wav"), 1500, new AudioFixtures.Tags("One", "Band", "LP"));
    ui.navigate("admin");
    assertThat(text("scan-status").getText()).isEqualTo("No scan yet.");
    _assertNone(Details.class, s -> s.withId("skipped-files"));

    // the folder is set (and a scan started) by another admin's page, not this one
    AudioFixtures.corrupt(music.resolve("broken.mp3"));
    var folder = JsonNodeFactory.instance.arrayNode().add(music.toString());
    ui.services.settings().update(Map.of("library_folders", folder));
    ui.services.scanner().awaitIdle(Duration.ofSeconds(30));

    ui.awaitLive("the scan's result", () -> text("scan-status").getText().contains("1 skipped"));
    Details skipped = _get(Details.class, s -> s.withId("skipped-files"));
    assertThat(skipped.isVisible()).isTrue();
    assertThat(skipped.getSummaryText()).isEqualTo("1 file skipped: which, and why");
    assertThat(
            _get(UnorderedList.class, s -> s.withId("skipped-files-list"))
                .getElement()
                .getTextRecursively())
        .contains("broken.mp3: ");
  }
}
