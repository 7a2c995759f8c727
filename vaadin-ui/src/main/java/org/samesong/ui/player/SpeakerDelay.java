package org.samesong.ui.player;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import java.util.Locale;

/**
 * This browser's speaker delay (output latency) and the button that opens the player's calibration:
 * the value lives in the browser (the {@code <sync-audio>} element keeps it), so this only shows
 * what the element reports.
 */
public class SpeakerDelay extends HorizontalLayout {
  private final Span value = new Span();

  public SpeakerDelay(SyncAudio player) {
    setId("speaker-delay");
    setAlignItems(FlexComponent.Alignment.CENTER);
    setSpacing(true);
    value.setId("speaker-delay-value");
    show(0);
    Button calibrate = new Button("Calibrate speakers", e -> player.openCalibration());
    calibrate.setId("calibrate");
    calibrate.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
    calibrate.setTooltipText(
        "Bluetooth and some USB/HDMI speakers sound late: set how late, by ear, with a click track");
    player.addOutputLatencyListener(e -> show(e.getOutputLatencyMs()));
    add(value, calibrate);
  }

  private void show(int ms) {
    value.setText(text(ms));
  }

  static String text(int ms) {
    return ms == 0
        ? "Speaker delay: none"
        : String.format(Locale.ROOT, "Speaker delay: %+d ms", ms);
  }
}
