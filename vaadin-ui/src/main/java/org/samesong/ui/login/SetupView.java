package org.samesong.ui.login;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import org.samesong.common.ApiException;
import org.samesong.ui.shell.CurrentUser;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/**
 * {@code /setup}: the first run. Creates the first admin account (there is no default password) and
 * logs it in. Once any account exists this screen sends everyone to the login.
 */
@Route(Routes.SETUP)
@PageTitle("Samesong · Setup")
public class SetupView extends VerticalLayout implements BeforeEnterObserver {
  final TextField username = new TextField("Admin username");
  final PasswordField password = new PasswordField("Password");
  final PasswordField confirm = new PasswordField("Repeat password");
  final Button create = new Button("Create admin account");

  public SetupView() {
    // at least the window's height, centred in it, and taller when the content is: a fixed
    // height would cut the top of the page off on a short window (no way to scroll up to it)
    setWidthFull();
    setMinHeight("100%");
    setAlignItems(FlexComponent.Alignment.CENTER);
    setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);
    addClassName("setup-view");

    username.setId("setup-username");
    username.setRequired(true);
    username.setHelperText("3-64 letters, digits, dots, dashes or underscores");
    password.setId("setup-password");
    password.setRequired(true);
    FieldRules.password(password, username::getValue);
    confirm.setId("setup-confirm");
    confirm.setRequired(true);
    create.setId("setup-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.addClickShortcut(Key.ENTER);
    create.addClickListener(e -> submit());

    VerticalLayout form = new VerticalLayout(username, password, confirm, create);
    form.setPadding(false);
    form.setMaxWidth("22em");
    form.getChildren().forEach(c -> ((com.vaadin.flow.component.HasSize) c).setWidthFull());

    add(
        new H1("Welcome to Samesong"),
        new Paragraph("First run: create the admin account. There is no default password."),
        form);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (!UiServices.get().users().needsSetup()) {
      event.forwardTo(Routes.LOGIN);
    }
  }

  void submit() {
    username.setInvalid(false);
    password.setInvalid(false);
    confirm.setInvalid(false);
    if (!password.getValue().equals(confirm.getValue())) {
      confirm.setErrorMessage("The passwords differ");
      confirm.setInvalid(true);
      return;
    }
    try {
      User admin =
          UiServices.get().users().createFirstAdmin(username.getValue(), password.getValue());
      CurrentUser.set(admin);
      getUI().ifPresent(ui -> ui.navigate(Routes.HOST));
    } catch (ApiException e) {
      if ("password".equals(e.field())) {
        FieldRules.refuse(password, e);
      } else if ("username".equals(e.field())) {
        FieldRules.refuse(username, e);
      } else {
        // someone else finished the setup meanwhile
        getUI().ifPresent(ui -> ui.navigate(Routes.LOGIN));
      }
    }
  }
}
