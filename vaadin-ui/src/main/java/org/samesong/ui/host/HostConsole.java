package org.samesong.ui.host;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.UiRequests;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/**
 * The console of one live session, composed of its panels: now playing with the transport controls
 * ({@link NowPlayingPanel}), the playlist ({@link PlaylistPanel}), catalog search and URLs ({@link
 * AddMusicPanel}), the invitation ({@link InvitePanel}), guests' requests ({@link RequestsPanel}),
 * listeners with their drift ({@link ListenersPanel}) and {@link EndSessionButton}. What it shows
 * is re-read from the services when a broadcast of the session says it changed, except the
 * listeners: a room may hold a thousand, so their panel applies each {@code member_update}'s
 * changes alone.
 */
public class HostConsole extends FlexLayout {
  private final Session session;
  private final Runnable onEnded;
  private final NowPlayingPanel nowPlaying;
  private final PlaylistPanel playlist;
  private final RequestsPanel requests;
  private final ListenersPanel listeners;

  HostConsole(Session session, User user, Runnable onEnded) {
    Services services = UiServices.get();
    this.session = session;
    this.onEnded = onEnded;
    String baseUrl = UiRequests.baseUrl();
    SamesongPrincipal host = hostOf(services, session, user);

    playlist = new PlaylistPanel(services, session.id());
    nowPlaying = new NowPlayingPanel(services, host, playlist::playlist, playlist::redraw);
    playlist.playingIn(nowPlaying);
    requests = new RequestsPanel(services, host, playlist::playlist, playlist::refresh);
    listeners =
        new ListenersPanel(
            () -> services.sessions().view(session.id(), baseUrl).members(),
            (memberId, ban) -> services.sessions().kick(session.id(), memberId, ban));
    VerticalLayout listenersAndEnd =
        new VerticalLayout(listeners, new EndSessionButton(services, session.id(), onEnded));
    listenersAndEnd.setPadding(false);

    addClassName("host-console");
    setWidthFull();
    setFlexWrap(FlexWrap.WRAP);
    getStyle().set("gap", "var(--lumo-space-l)");

    // what needs the host now on top (playing, requests); the rest below or beside
    VerticalLayout main =
        column(
            "main-column",
            nowPlaying,
            requests,
            playlist,
            new AddMusicPanel(services, host, playlist::refresh));
    VerticalLayout side =
        column(
            "side-column",
            new InvitePanel(session, services.sessions().joinUrl(session.code(), baseUrl)),
            listenersAndEnd,
            requests.history(),
            new IntegrationsPanel(services, host));
    main.getStyle().set("flex", "2 1 28rem");
    side.getStyle().set("flex", "1 1 20rem");
    add(main, side);

    new SessionFollower(this, this::onBroadcast).follow(session.id());
    refreshAll();
  }

  /** The host's own principal in the session: the member the session was started with. */
  private static SamesongPrincipal hostOf(Services services, Session session, User user) {
    String hostMemberId =
        services.sessions().members(session.id()).stream()
            .filter(Member::isHost)
            .map(Member::id)
            .findFirst()
            .orElseThrow(() -> ApiException.notFound("session"));
    return new SamesongPrincipal(
        user.id(), SamesongPrincipal.HOST, session.id(), hostMemberId, null);
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
        } else {
          playlist.refresh();
        }
      }
      case "request_update" -> requests.refresh();
      case "member_update" -> listeners.apply(broadcast.message());
      case "kick" -> listeners.reload();
      case "session_ended" -> onEnded.run();
      default -> {
        // other messages change nothing shown here
      }
    }
  }

  private void refreshAll() {
    playlist.refresh();
    requests.refresh();
    listeners.reload();
  }

  /** The session shown, for tests. */
  Session session() {
    return session;
  }
}
