package org.samesong.ui.player;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.shared.Registration;

/**
 * The {@code <sync-audio>} web component: plays a session's audio in sync with the server's
 * schedule. It connects to {@code /ws/sessions/{id}?token=…} by itself, corrects its drift, and
 * reports it back as {@link DriftEvent}s (about every 2 s). Give it the session id and a member's
 * access token; renew the token before it expires with {@link #setToken} (the open connection takes
 * it at once: the server closes a connection whose token expired), and at once when a {@link
 * TokenExpiredEvent} arrives.
 *
 * <p>Its script is a static ES module loaded with {@code Page.addJsModule("context://…")} on
 * attach, not {@code @JsModule}, which would need a frontend bundle build.
 */
@Tag("sync-audio")
public class SyncAudio extends Component {
  /** Where the element's module is served from (under {@code META-INF/resources}). */
  public static final String MODULE = "context://sync-audio/sync-audio.js";

  public SyncAudio() {}

  public SyncAudio(String sessionId, String token) {
    setSessionId(sessionId);
    setToken(token);
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    super.onAttach(attachEvent);
    attachEvent.getUI().getPage().addJsModule(MODULE);
  }

  public void setSessionId(String sessionId) {
    getElement().setProperty("sessionId", sessionId);
  }

  public String getSessionId() {
    return getElement().getProperty("sessionId");
  }

  /**
   * The member's access token. A property, never an attribute, so it does not show in the page's
   * markup; the element hands a new one to its open connection ({@code reauth}), else uses it at
   * its next reconnect, or at once after a 4401.
   */
  public void setToken(String token) {
    getElement().setProperty("token", token);
  }

  public String getToken() {
    return getElement().getProperty("token");
  }

  /** Base URL of the server when it is not the page's own origin (e.g. {@code https://host}). */
  public void setServerUrl(String serverUrl) {
    getElement().setProperty("serverUrl", serverUrl);
  }

  public String getServerUrl() {
    return getElement().getProperty("serverUrl");
  }

  /**
   * Silences this browser's audio without leaving the schedule: the player keeps playing in sync,
   * so unmuting is heard at the right place at once.
   */
  public void setMuted(boolean muted) {
    getElement().setProperty("muted", muted);
  }

  public boolean isMuted() {
    return getElement().getProperty("muted", false);
  }

  public Registration addDriftListener(ComponentEventListener<DriftEvent> listener) {
    return addListener(DriftEvent.class, listener);
  }

  public Registration addStatusListener(ComponentEventListener<StatusEvent> listener) {
    return addListener(StatusEvent.class, listener);
  }

  public Registration addTokenExpiredListener(ComponentEventListener<TokenExpiredEvent> listener) {
    return addListener(TokenExpiredEvent.class, listener);
  }

  public Registration addEndedListener(ComponentEventListener<EndedEvent> listener) {
    return addListener(EndedEvent.class, listener);
  }

  public Registration addKickedListener(ComponentEventListener<KickedEvent> listener) {
    return addListener(KickedEvent.class, listener);
  }

  public Registration addAutoplayBlockedListener(
      ComponentEventListener<AutoplayBlockedEvent> listener) {
    return addListener(AutoplayBlockedEvent.class, listener);
  }

  /**
   * The listener's drift against the server's schedule (ms, positive = ahead; null while not
   * playing), its clock offset to the server and the round trip it was measured with, the playback
   * rate in use, and the player's phase ({@code tracking}, {@code correcting}, {@code settling},
   * {@code paused}, {@code blocked}, ...).
   */
  @DomEvent("drift")
  public static class DriftEvent extends ComponentEvent<SyncAudio> {
    private final Double driftMs;
    private final Double offsetMs;
    private final Double rttMs;
    private final Double rate;
    private final String state;

    public DriftEvent(
        SyncAudio source,
        boolean fromClient,
        @EventData("event.detail.driftMs") Double driftMs,
        @EventData("event.detail.offsetMs") Double offsetMs,
        @EventData("event.detail.rttMs") Double rttMs,
        @EventData("event.detail.rate") Double rate,
        @EventData("event.detail.state") String state) {
      super(source, fromClient);
      this.driftMs = driftMs;
      this.offsetMs = offsetMs;
      this.rttMs = rttMs;
      this.rate = rate;
      this.state = state;
    }

    public Double getDriftMs() {
      return driftMs;
    }

    public Double getOffsetMs() {
      return offsetMs;
    }

    public Double getRttMs() {
      return rttMs;
    }

    public Double getRate() {
      return rate;
    }

    public String getState() {
      return state;
    }
  }

  /** The connection came up ({@code connected}) or went down ({@code reconnecting}, attempt n). */
  @DomEvent("status")
  public static class StatusEvent extends ComponentEvent<SyncAudio> {
    private final boolean connected;
    private final boolean reconnecting;
    private final int attempt;

    public StatusEvent(
        SyncAudio source,
        boolean fromClient,
        @EventData("event.detail.connected") boolean connected,
        @EventData("event.detail.reconnecting") boolean reconnecting,
        @EventData("event.detail.attempt") int attempt) {
      super(source, fromClient);
      this.connected = connected;
      this.reconnecting = reconnecting;
      this.attempt = attempt;
    }

    public boolean isConnected() {
      return connected;
    }

    public boolean isReconnecting() {
      return reconnecting;
    }

    public int getAttempt() {
      return attempt;
    }
  }

  /** The server refused the token (4401): set a fresh one with {@link #setToken}. */
  @DomEvent("token-expired")
  public static class TokenExpiredEvent extends ComponentEvent<SyncAudio> {
    public TokenExpiredEvent(SyncAudio source, boolean fromClient) {
      super(source, fromClient);
    }
  }

  /** The session ended (or no longer exists); the player stopped. */
  @DomEvent("ended")
  public static class EndedEvent extends ComponentEvent<SyncAudio> {
    public EndedEvent(SyncAudio source, boolean fromClient) {
      super(source, fromClient);
    }
  }

  /** The host removed this member (4403); the player stopped. */
  @DomEvent("kicked")
  public static class KickedEvent extends ComponentEvent<SyncAudio> {
    public KickedEvent(SyncAudio source, boolean fromClient) {
      super(source, fromClient);
    }
  }

  /**
   * The browser refused to start audio without a user gesture; the element shows its own "Tap to
   * start audio" button.
   */
  @DomEvent("autoplay-blocked")
  public static class AutoplayBlockedEvent extends ComponentEvent<SyncAudio> {
    public AutoplayBlockedEvent(SyncAudio source, boolean fromClient) {
      super(source, fromClient);
    }
  }
}
