package org.samesong.ui.shell;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import org.samesong.user.User;

/** The signed-in header: product name, who is signed in, links to the host and admin screens. */
public class Header extends FlexLayout {
  public Header(User user) {
    addClassName("app-header");
    setWidthFull();
    setFlexWrap(FlexWrap.WRAP);
    setAlignItems(FlexComponent.Alignment.BASELINE);
    getStyle().set("gap", "var(--lumo-space-m)");
    H1 title = new H1("Samesong");
    title.getStyle().set("font-size", "var(--lumo-font-size-xxl)").set("margin", "0");
    Span who = new Span("Signed in as " + user.username() + (user.isAdmin() ? " (admin)" : ""));
    who.setId("host-user");
    add(title, who);
    setFlexGrow(1, who);
    Anchor host = new Anchor(Routes.HOST, "Host");
    host.setId("nav-host");
    add(host);
    if (user.isAdmin()) {
      Anchor admin = new Anchor(Routes.ADMIN, "Admin");
      admin.setId("nav-admin");
      add(admin);
    }
    Button logout = new Button("Log out");
    logout.setId("logout");
    logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    logout.addClickListener(
        e -> {
          CurrentUser.clear();
          getUI().ifPresent(ui -> ui.navigate(Routes.LOGIN));
        });
    add(logout);
  }
}
