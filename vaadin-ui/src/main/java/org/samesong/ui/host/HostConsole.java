package org.samesong.ui.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.List;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.UiRequests;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/**
 * The console of one live session for its host or a co-host, composed of its panels: now playing
 * with the transport controls ({@link NowPlayingPanel}), the playlist ({@link PlaylistPanel}),
 * catalog search and URLs ({@link AddMusicPanel}), the invitation ({@link InvitePanel}), who may
 * come in and the knocks waiting ({@link HostingPanel}), guests' requests ({@link RequestsPanel}),
 * listeners with their drift and rights ({@link ListenersPanel}, {@link RightsDialog}) and, for the
 * host, {@link EndSessionButton}. What it shows is re-read from the services when a broadcast of
 * the session says it changed, except the listeners: a room may hold a thousand, so their panel
 * applies each {@code member_update}'s changes alone.
 *
 * <p>It follows a hand-off: when the member using it becomes host, co-host or guest, {@code
 * onRoleChanged} runs and the view around it shows what that member may use now.
 */
public class HostConsole extends FlexLayout {
  private final Session session;
  private final SamesongPrincipal me;
  private final Runnable onEnded;
  private final Runnable onRoleChanged;
  private final NowPlayingPanel nowPlaying;
  private final PlaylistPanel playlist;
  private final RequestsPanel requests;
  // null for a guest with single rights: managing members and the invite is the host's and
  // co-hosts'
  private final ListenersPanel listeners;
  private final InvitePanel invite;
  private final HostingPanel hosting;

  /**
   * @param me the member using the console, with its rights now (host or co-host)
   * @param onEnded runs when the session ended
   * @param onRoleChanged runs when this member's role changed (a hand-off, made or unmade co-host)
   */
  public HostConsole(
      Session session, SamesongPrincipal me, Runnable onEnded, Runnable onRoleChanged) {
    this(session, me, onEnded, onRoleChanged, true);
  }

  /**
   * @param withAudio whether the console plays the music itself (not below a guest's player)
   */
  public HostConsole(
      Session session,
      SamesongPrincipal me,
      Runnable onEnded,
      Runnable onRoleChanged,
      boolean withAudio) {
    Services services = UiServices.get();
    this.session = session;
    this.me = me;
    this.onEnded = onEnded;
    this.onRoleChanged = onRoleChanged;
    String baseUrl = UiRequests.baseUrl();
    String sessionId = session.id();

    playlist = new PlaylistPanel(services, sessionId);
    nowPlaying = new NowPlayingPanel(services, me, playlist::playlist, playlist::redraw, withAudio);
    playlist.playingIn(nowPlaying);
    requests = new RequestsPanel(services, me, playlist::playlist, playlist::refresh);
    addClassName("host-console");
    setWidthFull();
    setFlexWrap(FlexWrap.WRAP);
    getStyle().set("gap", "var(--lumo-space-l)");
    Rights rights = me.rights();
    if (!rights.inCharge()) {
      // a guest given single rights: the panels of those rights, nothing else
      listeners = null;
      invite = null;
      hosting = null;
      VerticalLayout given = column("rights-column", roleText(rights));
      if (rights.can(Rights.CONTROL_PLAYBACK)) {
        nowPlaying.controlsOnly();
        given.add(nowPlaying);
      }
      if (rights.can(Rights.DECIDE_REQUESTS)) {
        given.add(requests);
      }
      if (rights.can(Rights.EDIT_PLAYLIST)) {
        given.add(playlist, new AddMusicPanel(services, me, playlist::refresh));
      }
      add(given);
      new SessionFollower(this, this::onBroadcast).follow(sessionId);
      refreshAll();
      return;
    }
    boolean host = rights.isHost();
    listeners =
        new ListenersPanel(
            () -> services.sessions().view(sessionId, baseUrl).members(),
            (memberId, ban) -> services.sessions().kick(me, sessionId, memberId, ban),
            new ListenersPanel.RightsEditor() {
              @Override
              public boolean mayChange(Listener l) {
                return !l.memberId().equals(me.memberId())
                    && (host || Member.GUEST.equals(l.role()));
              }

              @Override
              public void open(String memberId) {
                services.sessions().members(sessionId).stream()
                    .filter(m -> m.id().equals(memberId))
                    .findFirst()
                    .ifPresent(m -> new RightsDialog(services, me, sessionId, m).open());
              }
            });
    invite = new InvitePanel(session, services.sessions().joinUrl(session.code(), baseUrl));
    hosting = new HostingPanel(services, me, sessionId, i -> invite.show(i.code(), i.joinUrl()));
    VerticalLayout listenersAndEnd = new VerticalLayout(roleText(rights), listeners);
    if (host) {
      // ending the session is the host's; a co-host hands nothing over and ends nothing
      listenersAndEnd.add(new EndSessionButton(services, sessionId, onEnded));
    }
    listenersAndEnd.setPadding(false);

    // what needs the host now on top (playing, requests); the rest below or beside
    VerticalLayout main =
        column(
            "main-column",
            nowPlaying,
            requests,
            playlist,
            new AddMusicPanel(services, me, playlist::refresh));
    VerticalLayout side =
        column(
            "side-column",
            invite,
            hosting,
            listenersAndEnd,
            requests.history(),
            new IntegrationsPanel(services, me));
    main.getStyle().set("flex", "2 1 28rem");
    side.getStyle().set("flex", "1 1 20rem");
    add(main, side);

    new SessionFollower(this, this::onBroadcast).follow(sessionId);
    refreshAll();
  }

  /**
   * The console of the signed-in account's own member in its session (the member it started the
   * session with), with that member's rights now: the host's, or a co-host's after a hand-off.
   */
  static SamesongPrincipal memberOf(Services services, Session session, User user) {
    Member mine =
        services.sessions().members(session.id()).stream()
            .filter(m -> user.id().equals(m.userId()))
            .findFirst()
            .orElseThrow(() -> ApiException.notFound("session"));
    return new SamesongPrincipal(user.id(), SamesongPrincipal.HOST, session.id(), mine.id(), null)
        .withRights(mine.rights());
  }

  /** What this member is here: host, co-host, or a guest with the rights it was given. */
  static Span roleText(Rights rights) {
    String text;
    if (rights.isHost()) {
      text = "You host this session.";
    } else if (rights.isCohost()) {
      text = "You are a co-host of this session.";
    } else {
      List<String> given = new ArrayList<>();
      if (rights.can(Rights.CONTROL_PLAYBACK)) {
        given.add("control playback");
      }
      if (rights.can(Rights.DECIDE_REQUESTS)) {
        given.add("decide requests");
      }
      if (rights.can(Rights.EDIT_PLAYLIST)) {
        given.add("edit the playlist");
      }
      text =
          "The host lets you "
              + (given.size() < 2
                  ? String.join("", given)
                  : String.join(", ", given.subList(0, given.size() - 1))
                      + " and "
                      + given.get(given.size() - 1))
              + ".";
    }
    Span role = new Span(text);
    role.setId("console-role");
    return role;
  }

  /**
   * Whether a {@code member_update} names this member with another role or, in the member's own
   * update after a change of rights, other permissions than {@code shown}.
   */
  public static boolean rightsChanged(JsonNode update, String memberId, Rights shown) {
    boolean changed = false;
    for (JsonNode m : update.path("members")) {
      if (!memberId.equals(m.path("member_id").asText())) {
        continue;
      }
      changed |= m.hasNonNull("role") && !m.path("role").asText().equals(shown.role());
      for (String p : Rights.PERMISSIONS) {
        JsonNode given = m.path("permissions").path(p);
        changed |= given.isBoolean() && given.asBoolean() != shown.can(p);
      }
    }
    return changed;
  }

  /** Whether a guest with these rights has anything to use in a console. */
  public static boolean hasControls(Rights rights) {
    return rights.inCharge()
        || rights.can(Rights.CONTROL_PLAYBACK)
        || rights.can(Rights.DECIDE_REQUESTS)
        || rights.can(Rights.EDIT_PLAYLIST);
  }

  private static VerticalLayout column(String id, Component... parts) {
    VerticalLayout column = new VerticalLayout(parts);
    column.setId(id);
    column.setPadding(false);
    column.setMinWidth("0");
    return column;
  }

  /** Routes a broadcast of the session to the panels whose content it changed. */
  private void onBroadcast(SessionFollower.Broadcast broadcast) {
    switch (broadcast.type()) {
      case "playback_state" -> nowPlaying.refresh();
      case "playlist_update" -> {
        if (SessionFollower.isResync(broadcast)) {
          // the bus was down: requests and members may have changed unheard too
          refreshAll();
          checkRole(null);
        } else {
          playlist.refresh();
        }
      }
      case "request_update" -> requests.refresh();
      case "member_update" -> {
        if (listeners != null) {
          listeners.apply(broadcast.message());
        }
        checkRole(broadcast.message());
      }
      case "session_update" -> {
        JsonNode m = broadcast.message();
        if (m.hasNonNull("code") && invite != null) {
          invite.show(
              m.path("code").asText(),
              UiServices.get().sessions().joinUrl(m.path("code").asText(), UiRequests.baseUrl()));
        }
        if (hosting != null) {
          hosting.refresh();
        }
        if (m.has("host_member_id")
            && me.rights().isHost() != me.memberId().equals(m.path("host_member_id").asText())) {
          onRoleChanged.run();
        }
      }
      case "knock" -> {
        if (hosting != null) {
          hosting.refreshKnocks();
        }
      }
      case "kick" -> {
        if (listeners != null) {
          listeners.reload();
        }
        if (broadcast.kicked().contains(me.memberId())) {
          onRoleChanged.run();
        }
      }
      case "session_ended" -> onEnded.run();
      default -> {
        // other messages change nothing shown here
      }
    }
  }

  /**
   * Whether this member's role or rights differ from those the console was built with ({@code
   * update}: a {@code member_update} naming the members that changed; null: read them from the
   * session).
   */
  private void checkRole(JsonNode update) {
    boolean changed = false;
    if (update == null) {
      Rights now =
          UiServices.get().sessions().members(session.id()).stream()
              .filter(m -> m.id().equals(me.memberId()))
              .map(Member::rights)
              .findFirst()
              .orElse(Rights.GUEST_RIGHTS);
      changed = !now.equals(me.rights());
    } else {
      changed = rightsChanged(update, me.memberId(), me.rights());
    }
    if (changed) {
      onRoleChanged.run();
    }
  }

  private void refreshAll() {
    playlist.refresh();
    requests.refresh();
    if (listeners != null) {
      listeners.reload();
      hosting.refresh();
    }
  }

  /** The session shown, for tests. */
  Session session() {
    return session;
  }
}
