package org.samesong.ui.login;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.AbstractLogin;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import org.samesong.common.ApiException;
import org.samesong.ui.shell.CodeEntry;
import org.samesong.ui.shell.CurrentUser;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/** {@code /}: log in. While no account exists, the setup screen takes its place. */
@Route(Routes.LOGIN)
@PageTitle("Samesong · Log in")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final LoginForm form = new LoginForm();
  private final LoginI18n i18n = LoginI18n.createDefault();

  public LoginView() {
    // at least the window's height, centred in it, and taller when the content is: a fixed
    // height would cut the top of the page off on a short window (no way to scroll up to it)
    setWidthFull();
    setMinHeight("100%");
    setAlignItems(FlexComponent.Alignment.CENTER);
    setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);
    addClassName("login-view");

    i18n.getForm().setTitle("Log in");
    i18n.getForm().setForgotPassword("Forgot password?");
    form.setI18n(i18n);
    form.setForgotPasswordButtonVisible(false);
    // guests come here for the code field: no keyboard popping up for the username on a phone
    form.getElement().setAttribute("no-autofocus", "");
    form.addLoginListener(this::login);

    // guests come with a code; hosts log in below
    CodeEntry code = new CodeEntry();
    H2 joinTitle = new H2("Join a session");
    joinTitle.getStyle().set("margin-bottom", "0");
    add(new H1("Samesong"), new Paragraph("Listen together, in sync."), joinTitle, code, form);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (UiServices.get().users().needsSetup()) {
      event.forwardTo(SetupView.class);
    } else if (CurrentUser.get().isPresent()) {
      event.forwardTo(Routes.HOST);
    }
  }

  private void login(AbstractLogin.LoginEvent event) {
    String address = VaadinSession.getCurrent().getBrowser().getAddress();
    try {
      User user =
          UiServices.get()
              .auth()
              .checkLogin(
                  event.getUsername(), event.getPassword(), address == null ? "unknown" : address);
      CurrentUser.set(user);
      getUI().ifPresent(ui -> ui.navigate(Routes.HOST));
    } catch (ApiException e) {
      LoginI18n.ErrorMessage error = new LoginI18n.ErrorMessage();
      error.setTitle(
          switch (e.status()) {
            case 429 -> "Too many attempts";
            case 403 -> "Account disabled";
            default -> "Wrong username or password";
          });
      // the title says what happened; the message says what to do (not the same words twice)
      error.setMessage(
          switch (e.status()) {
            case 429 -> FieldRules.sentence(e);
            case 403 -> "An admin can enable the account again.";
            case 400 -> FieldRules.sentence(e);
            default -> "Check both and try again; usernames are not case-sensitive.";
          });
      i18n.setErrorMessage(error);
      form.setI18n(i18n);
      form.setError(true);
      form.setEnabled(true);
    }
  }

  /** The form's error text, for tests. */
  String errorTitle() {
    return i18n.getErrorMessage().getTitle();
  }
}
