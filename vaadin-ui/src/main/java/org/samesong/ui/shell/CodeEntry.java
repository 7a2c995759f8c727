package org.samesong.ui.shell;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.textfield.TextFieldVariant;
import org.samesong.session.InviteCodes;

/**
 * "Have a code?": a field for the invite code a host told a guest, and a button that opens {@code
 * /join/{code}}, where the code is checked. Codes are 6–8 letters and digits, typed in any case,
 * with or without spaces and dashes.
 */
public class CodeEntry extends HorizontalLayout {
  final TextField code = new TextField("Invite code");
  final Button join = new Button("Join");

  public CodeEntry() {
    setAlignItems(FlexComponent.Alignment.BASELINE);
    setWrap(true);
    code.setId("join-code");
    code.setPlaceholder("e.g. S9BBDF");
    code.setHelperText("The 6–8 letters and digits your host shows or tells you");
    code.setMaxLength(16);
    code.setAllowedCharPattern("[A-Za-z0-9 -]");
    code.addThemeVariants(TextFieldVariant.LUMO_ALIGN_CENTER);
    // shown as typed; the code is upper-cased when it is read
    code.setWidth("12em");
    join.setId("join-with-code");
    join.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    join.addClickShortcut(Key.ENTER).listenOn(code);
    join.addClickListener(e -> open());
    add(code, join);
  }

  /** The field, to show a refusal under it. */
  public TextField field() {
    return code;
  }

  /** Shows the code again (after a refusal) with the reason under it. */
  public void refuse(String typed, String reason) {
    code.setValue(typed == null ? "" : typed);
    code.setErrorMessage(reason);
    code.setInvalid(true);
  }

  private void open() {
    String normal = InviteCodes.normalise(code.getValue());
    if (code.getValue().isBlank()) {
      refuse("", "Type the code your host gave you");
      return;
    }
    if (normal == null) {
      refuse(
          code.getValue(),
          "That is not an invite code: codes are 6–8 letters and digits (no 0, O, 1 or I)");
      return;
    }
    code.setInvalid(false);
    getUI().ifPresent(ui -> ui.navigate(Routes.JOIN + "/" + normal));
  }
}
