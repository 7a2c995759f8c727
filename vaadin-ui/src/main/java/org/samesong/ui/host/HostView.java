package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import org.samesong.ui.login.LoginView;
import org.samesong.ui.shell.CurrentUser;
import org.samesong.user.User;

/** {@code /host}: the host console. For now the signed-in shell it will grow in. */
@Route("host")
@PageTitle("Samesong · Host")
public class HostView extends VerticalLayout implements BeforeEnterObserver {
  private final Span who = new Span();
  private final Button logout = new Button("Log out");

  public HostView() {
    addClassName("host-view");
    setWidthFull();
    who.setId("host-user");
    logout.setId("logout");
    logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    logout.addClickListener(
        e -> {
          CurrentUser.clear();
          getUI().ifPresent(ui -> ui.navigate(LoginView.class));
        });
    HorizontalLayout header = new HorizontalLayout(new H1("Samesong"), who, logout);
    header.setWidthFull();
    header.setAlignItems(FlexComponent.Alignment.BASELINE);
    header.expand(who);
    add(header, new Paragraph("Your listening sessions will appear here."));
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    User user = CurrentUser.get().orElse(null);
    if (user == null) {
      event.forwardTo(LoginView.class);
      return;
    }
    who.setText("Signed in as " + user.username() + (user.isAdmin() ? " (admin)" : ""));
  }
}
