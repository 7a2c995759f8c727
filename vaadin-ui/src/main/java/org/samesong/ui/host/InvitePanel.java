package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import org.samesong.session.Session;
import org.samesong.ui.shell.QrCode;

/**
 * The invitation to a session: its name, the invite code, the join link to copy and its QR code.
 */
class InvitePanel extends VerticalLayout {
  private final Span code = new Span();
  private final Anchor link = new Anchor();
  private final Image qr = new Image();
  private String joinUrl;

  /**
   * @param joinUrl the session's join link, as guests open it
   */
  InvitePanel(Session session, String joinUrl) {
    code.setId("invite-code");
    code.getStyle()
        .set("font-size", "2.2rem")
        .set("font-weight", "700")
        .set("letter-spacing", "0.2em")
        .set("font-family", "var(--lumo-font-family), monospace");
    link.setId("invite-link");
    link.setTarget("_blank");
    link.getStyle().set("word-break", "break-all");
    qr.setId("invite-qr");
    qr.getStyle()
        .set("width", "min(100%, 320px)")
        .set("aspect-ratio", "1")
        .set("image-rendering", "pixelated");
    Button copy = new Button("Copy link");
    copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
    copy.addClickListener(
        e ->
            copy.getElement()
                .executeJs(
                    "navigator.clipboard && navigator.clipboard.writeText($0)", this.joinUrl));
    H3 name = new H3(session.name());
    name.setId("session-title");
    Button bigScreen =
        new Button(
            "Show on a big screen", e -> showFullScreen(session, code.getText(), this.joinUrl));
    bigScreen.setId("invite-full-screen");
    bigScreen.addThemeVariants(ButtonVariant.LUMO_SMALL);
    show(session.code(), joinUrl);
    add(name, new Span("Invite code"), code, link, new HorizontalLayout(copy, bigScreen), qr);
    setId("invite");
    setPadding(false);
    setSpacing(false);
  }

  /** Shows another code and link (after a rotation): the old ones no longer work. */
  void show(String inviteCode, String url) {
    this.joinUrl = url;
    code.setText(inviteCode);
    link.setHref(url);
    link.setText(url);
    qr.setSrc(QrCode.svgDataUrl(url));
    qr.setAlt("QR code of the join link " + url);
  }

  /** The code shown now. */
  String code() {
    return code.getText();
  }

  /**
   * The invitation filling the screen, for a TV or a projector at the party: the session's name,
   * the code in letters readable across a room, the QR code as large as fits, and the link.
   */
  static Dialog showFullScreen(Session session, String inviteCode, String joinUrl) {
    Dialog dialog = new Dialog();
    dialog.setId("invite-dialog");
    dialog.setWidth("100vw");
    dialog.setHeight("100vh");
    dialog.getElement().setAttribute("aria-label", "Invitation to " + session.name());
    H1 title = new H1(session.name());
    title
        .getStyle()
        .set("margin", "0")
        .set("text-align", "center")
        .set("font-size", "min(5vw, 4.5vh)");
    Span how = new Span("Join on your phone: scan the code, or open the link and type the code");
    how.getStyle().set("font-size", "min(3vw, 2.6vh)").set("text-align", "center");
    Span code = new Span(inviteCode);
    code.setId("invite-dialog-code");
    code.getStyle()
        .set("font-size", "min(12vw, 9vh)")
        .set("font-weight", "800")
        .set("letter-spacing", "0.15em")
        .set("line-height", "1");
    Image qr = new Image(QrCode.svgDataUrl(joinUrl), "QR code of the join link " + joinUrl);
    // as large as fits, never wider than the dialog (a phone's screen is narrower than 36 % of
    // its height is tall)
    qr.getStyle()
        .set("width", "min(36vh, 100%)")
        .set("height", "auto")
        .set("box-sizing", "border-box")
        .set("aspect-ratio", "1")
        .set("image-rendering", "pixelated")
        .set("background", "white")
        .set("padding", "1rem");
    Span link = new Span(joinUrl);
    link.getStyle().set("font-size", "min(3vw, 2.6vh)").set("word-break", "break-all");
    Button close = new Button("Close", e -> dialog.close());
    close.setId("invite-dialog-close");
    dialog.getHeader().add(close);
    VerticalLayout content = new VerticalLayout(title, how, code, qr, link);
    content.setSizeFull();
    content.setPadding(false);
    content.setSpacing(false);
    content.getStyle().set("gap", "min(1.5vh, 1rem)").set("overflow", "auto");
    content.setAlignItems(FlexComponent.Alignment.CENTER);
    content.setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);
    dialog.add(content);
    dialog.open();
    return dialog;
  }
}
