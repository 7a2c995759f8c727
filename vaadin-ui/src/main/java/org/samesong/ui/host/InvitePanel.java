package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import org.samesong.session.Session;
import org.samesong.ui.shell.QrCode;

/**
 * The invitation to a session: its name, the invite code, the join link to copy and its QR code.
 */
class InvitePanel extends VerticalLayout {

  /**
   * @param joinUrl the session's join link, as guests open it
   */
  InvitePanel(Session session, String joinUrl) {
    Span code = new Span(session.code());
    code.setId("invite-code");
    code.getStyle()
        .set("font-size", "2.2rem")
        .set("font-weight", "700")
        .set("letter-spacing", "0.2em")
        .set("font-family", "var(--lumo-font-family), monospace");
    Anchor link = new Anchor(joinUrl, joinUrl);
    link.setId("invite-link");
    link.setTarget("_blank");
    link.getStyle().set("word-break", "break-all");
    Image qr = new Image(QrCode.svgDataUrl(joinUrl), "QR code of the join link " + joinUrl);
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
                .executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", joinUrl));
    H3 name = new H3(session.name());
    name.setId("session-title");
    add(name, new Span("Invite code"), code, link, copy, qr);
    setId("invite");
    setPadding(false);
    setSpacing(false);
  }
}
