package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.api.MemberPatch;
import org.samesong.ui.shell.Notices;

/**
 * What one listener may do, for the host or a co-host: make or unmake a co-host (the host only),
 * the single rights of a guest, and handing the session to a co-host (the host only). Saved through
 * {@code HostingService}, so the listener's open connections get the new rights at once.
 */
final class RightsDialog extends Dialog {
  /** The single rights in words, in the order the dialog lists them. */
  static final Map<String, String> RIGHTS = rights();

  private static Map<String, String> rights() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Rights.AUTO_APPROVE, "Their suggestions go straight in (still logged)");
    m.put(Rights.CONTROL_PLAYBACK, "Play, pause, skip and seek");
    m.put(Rights.DECIDE_REQUESTS, "Approve and deny suggestions");
    m.put(Rights.EDIT_PLAYLIST, "Add, move and remove tracks");
    return m;
  }

  private final Services services;
  private final SamesongPrincipal me;
  private final String sessionId;
  private final Member member;
  private final Checkbox cohost = new Checkbox("Co-host: every right below, and admits newcomers");
  private final Map<String, Checkbox> boxes = new LinkedHashMap<>();

  RightsDialog(Services services, SamesongPrincipal me, String sessionId, Member member) {
    this.services = services;
    this.me = me;
    this.sessionId = sessionId;
    this.member = member;
    setId("rights-dialog");
    setHeaderTitle("What " + member.displayName() + " may do");
    boolean host = me.rights().isHost();

    cohost.setId("rights-cohost");
    cohost.setValue(member.isCohost());
    // only the host makes co-hosts; a co-host gives guests single rights
    cohost.setEnabled(host);
    cohost.addValueChangeListener(e -> showRights());
    VerticalLayout content = new VerticalLayout(cohost);
    content.setPadding(false);
    content.setSpacing(false);
    Rights now = member.rights();
    for (Map.Entry<String, String> right : RIGHTS.entrySet()) {
      Checkbox box = new Checkbox(right.getValue(), now.can(right.getKey()));
      box.setId("right-" + right.getKey());
      boxes.put(right.getKey(), box);
      content.add(box);
    }
    showRights();
    add(content);

    Button save = new Button("Save", e -> save());
    save.setId("rights-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    Button cancel = new Button("Cancel", e -> close());
    getFooter().add(cancel, save);
    if (host && member.isCohost()) {
      Button handOver = new Button("Hand the session to " + member.displayName(), e -> handOver());
      handOver.setId("hand-over");
      handOver.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
      content.add(
          new Paragraph(
              "Handing over makes them the host and you a co-host: leave early and the music goes"
                  + " on."),
          handOver);
    }
  }

  /** A co-host has every right: the single boxes show it and cannot be changed. */
  private void showRights() {
    boolean all = cohost.getValue();
    Rights now = member.rights();
    boxes.forEach(
        (right, box) -> {
          box.setEnabled(!all);
          box.setValue(all || (!member.isCohost() && now.can(right)));
        });
  }

  private void save() {
    MemberPatch patch;
    if (cohost.getValue()) {
      patch = new MemberPatch(Member.COHOST, null);
    } else {
      Map<String, Boolean> chosen = new LinkedHashMap<>();
      boxes.forEach((right, box) -> chosen.put(right, box.getValue()));
      patch = new MemberPatch(me.rights().isHost() ? Member.GUEST : null, chosen);
    }
    try {
      services.hosting().updateMember(me, sessionId, member.id(), patch);
      Notices.info(member.displayName() + "'s rights are saved; they apply at once");
      close();
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
  }

  private void handOver() {
    try {
      services.hosting().handOff(me, sessionId, member.id());
      Notices.info(member.displayName() + " hosts the session now");
      close();
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
  }
}
