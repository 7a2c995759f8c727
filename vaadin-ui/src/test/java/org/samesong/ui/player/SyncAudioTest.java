package org.samesong.ui.player;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.ElementUtilsKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.dom.DomEvent;
import com.vaadin.flow.shared.ui.Dependency;
import elemental.json.Json;
import elemental.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wrapper without a browser: what reaches the element, and what its DOM events carry. */
class SyncAudioTest {
  private SyncAudio player;

  @BeforeEach
  void start() {
    MockVaadin.setup();
    player = new SyncAudio("3f1c2d4e-0000-4000-8000-000000000001", "token-1");
    UI.getCurrent().add(player);
  }

  @AfterEach
  void stop() {
    MockVaadin.tearDown();
  }

  @Test
  void attaching_loads_the_static_module_not_a_bundle_import() {
    List<Dependency> pending =
        new ArrayList<>(
            UI.getCurrent().getInternals().getDependencyList().getPendingSendToClient());
    assertThat(pending)
        .anySatisfy(
            d -> {
              assertThat(d.getUrl()).isEqualTo("context://sync-audio/sync-audio.js");
              assertThat(d.getType()).isEqualTo(Dependency.Type.JS_MODULE);
            });
  }

  @Test
  void session_and_token_are_properties_and_the_token_never_an_attribute() {
    player.setToken("token-2");
    player.setServerUrl("https://music.example.org");
    assertThat(player.getElement().getProperty("sessionId"))
        .isEqualTo("3f1c2d4e-0000-4000-8000-000000000001");
    assertThat(player.getElement().getProperty("token")).isEqualTo("token-2");
    assertThat(player.getServerUrl()).isEqualTo("https://music.example.org");
    assertThat(player.getElement().getAttributeNames().toList()).doesNotContain("token");
    assertThat(player.getElement().getTag()).isEqualTo("sync-audio");
  }

  @Test
  void drift_event_carries_the_measured_figures() {
    List<SyncAudio.DriftEvent> seen = new ArrayList<>();
    player.addDriftListener(seen::add);
    JsonObject data = Json.createObject();
    data.put("event.detail.driftMs", -1.25);
    data.put("event.detail.offsetMs", 123456.5);
    data.put("event.detail.rttMs", 3.0);
    data.put("event.detail.rate", 1.0025);
    data.put("event.detail.state", "correcting");
    fire("drift", data);
    assertThat(seen).hasSize(1);
    SyncAudio.DriftEvent e = seen.get(0);
    assertThat(e.getDriftMs()).isEqualTo(-1.25);
    assertThat(e.getOffsetMs()).isEqualTo(123456.5);
    assertThat(e.getRttMs()).isEqualTo(3.0);
    assertThat(e.getRate()).isEqualTo(1.0025);
    assertThat(e.getState()).isEqualTo("correcting");
    assertThat(e.isFromClient()).isTrue();
  }

  @Test
  void drift_while_not_playing_has_no_figure() {
    List<SyncAudio.DriftEvent> seen = new ArrayList<>();
    player.addDriftListener(seen::add);
    JsonObject data = Json.createObject();
    data.put("event.detail.driftMs", Json.createNull());
    data.put("event.detail.state", "paused");
    fire("drift", data);
    assertThat(seen.get(0).getDriftMs()).isNull();
    assertThat(seen.get(0).getState()).isEqualTo("paused");
  }

  @Test
  void connection_events_reach_their_listeners() {
    List<String> seen = new ArrayList<>();
    player.addStatusListener(
        e ->
            seen.add(
                "status " + e.isConnected() + " " + e.isReconnecting() + " " + e.getAttempt()));
    player.addTokenExpiredListener(e -> seen.add("token-expired"));
    player.addEndedListener(e -> seen.add("ended"));
    player.addKickedListener(e -> seen.add("kicked"));
    player.addAutoplayBlockedListener(e -> seen.add("autoplay-blocked"));
    JsonObject status = Json.createObject();
    status.put("event.detail.connected", false);
    status.put("event.detail.reconnecting", true);
    status.put("event.detail.attempt", 3);
    fire("status", status);
    fire("token-expired", Json.createObject());
    fire("autoplay-blocked", Json.createObject());
    fire("kicked", Json.createObject());
    fire("ended", Json.createObject());
    assertThat(seen)
        .containsExactly(
            "status false true 3", "token-expired", "autoplay-blocked", "kicked", "ended");
  }

  private void fire(String type, JsonObject data) {
    ElementUtilsKt._fireDomEvent(
        player.getElement(), new DomEvent(player.getElement(), type, data));
  }
}
