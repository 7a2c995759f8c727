package org.samesong.ui.shell;

import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/**
 * The screens' one way to tell the user something in passing: one notice at a time per tab (a new
 * one replaces the last), errors at the top in the error colours.
 */
public final class Notices {
  private Notices() {}

  /**
   * Shows {@code message} at the bottom for four seconds; a notice shown before it in this browser
   * tab closes first, so notices never pile up over a phone's screen.
   */
  public static void info(String message) {
    show(message, 4000, Notification.Position.BOTTOM_CENTER, null);
  }

  /**
   * Says that something was done and offers to take it back for a few seconds: {@code undo} runs
   * when the Undo button is pressed.
   */
  public static Notification undoable(String message, Runnable undo) {
    return withUndo(message, undo, null);
  }

  /**
   * Says that something is about to be done and does it only when the notice goes away without Undo
   * being pressed: for what cannot be taken back once done (a kick revokes the guest's tokens).
   * Undo runs {@code undone} instead.
   */
  public static Notification deferred(String message, Runnable action, Runnable undone) {
    return withUndo(message, undone, action);
  }

  private static Notification withUndo(String message, Runnable undo, Runnable onClose) {
    Notification notice = new Notification();
    notice.setDuration(6000);
    notice.setPosition(Notification.Position.BOTTOM_CENTER);
    boolean[] undone = {false};
    Button button =
        new Button(
            "Undo",
            e -> {
              undone[0] = true;
              notice.close();
              undo.run();
            });
    button.setId("undo");
    button.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
    Span text = new Span(message);
    text.setId("undo-message");
    HorizontalLayout row = new HorizontalLayout(text, button);
    row.setAlignItems(FlexComponent.Alignment.CENTER);
    notice.add(row);
    if (onClose != null) {
      notice.addOpenedChangeListener(
          e -> {
            if (!e.isOpened() && !undone[0]) {
              undone[0] = true; // once
              onClose.run();
            }
          });
    }
    replace(notice);
    notice.open();
    return notice;
  }

  /** Shows {@code message} at the top, in the error colours, for five seconds. */
  public static void error(String message) {
    show(message, 5000, Notification.Position.TOP_CENTER, NotificationVariant.LUMO_ERROR);
  }

  /** Shows a refusal of the server's in words (no API field names), as {@link #error(String)}. */
  public static void error(org.samesong.common.ApiException refusal) {
    error(FieldRules.human(refusal));
  }

  private static void show(
      String message, int millis, Notification.Position position, NotificationVariant variant) {
    Notification notice = new Notification(message, millis, position);
    if (variant != null) {
      notice.addThemeVariants(variant);
    }
    replace(notice);
    notice.open();
  }

  /** Closes the notice shown before in this tab (running a deferred action it holds). */
  private static void replace(Notification next) {
    UI ui = UI.getCurrent();
    if (ui == null) {
      return;
    }
    Object last = ComponentUtil.getData(ui, Notification.class.getName());
    if (last instanceof Notification open && open.isOpened()) {
      open.close();
    }
    ComponentUtil.setData(ui, Notification.class.getName(), next);
  }
}
