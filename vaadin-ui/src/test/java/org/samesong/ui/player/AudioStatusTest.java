package org.samesong.ui.player;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.html.Span;
import org.junit.jupiter.api.Test;

class AudioStatusTest {
  @Test
  void right_after_a_seek_the_status_says_catching_up_never_the_stale_drift() {
    assertThat(AudioStatus.describe(-34773.3, "settling")).isEqualTo("Audio: catching up…");
    assertThat(AudioStatus.describe(-34773.3, "tracking")).isEqualTo("Audio: catching up…");
    assertThat(AudioStatus.describe(null, "loading")).isEqualTo("Audio: catching up…");
  }

  @Test
  void settled_playback_shows_its_drift_in_words() {
    assertThat(AudioStatus.describe(1.24, "tracking"))
        .isEqualTo("Audio: in sync, +1.2 ms from the schedule");
    assertThat(AudioStatus.describe(-42.0, "correcting"))
        .isEqualTo("Audio: adjusting, -42.0 ms from the schedule");
  }

  @Test
  void other_phases_read_as_words_not_as_the_players_internal_names() {
    assertThat(AudioStatus.describe(null, "paused")).isEqualTo("Audio: paused");
    assertThat(AudioStatus.describe(null, "stalled")).isEqualTo("Audio: buffering…");
    assertThat(AudioStatus.describe(null, "idle")).isEqualTo("Audio: connected, waiting for music");
    assertThat(AudioStatus.describe(null, "blocked"))
        .isEqualTo("Audio: press “Tap to start audio” to listen");
    assertThat(AudioStatus.describe(3.0, "some_future_phase")).isEqualTo("Audio: connected");
  }

  @Test
  void the_status_line_follows_the_players_drift_events() {
    SyncAudio player = new SyncAudio();
    Span line = new Span();
    AudioStatus.follow(player, line);

    ComponentUtil.fireEvent(
        player, new SyncAudio.DriftEvent(player, true, -34773.3, 0.0, 1.0, 1.0, "settling"));
    assertThat(line.getText()).isEqualTo("Audio: catching up…");
    ComponentUtil.fireEvent(
        player, new SyncAudio.DriftEvent(player, true, 0.4, 0.0, 1.0, 1.0, "tracking"));
    assertThat(line.getText()).isEqualTo("Audio: in sync, +0.4 ms from the schedule");
  }
}
