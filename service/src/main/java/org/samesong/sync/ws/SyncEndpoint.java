package org.samesong.sync.ws;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.samesong.auth.AuthService;
import org.samesong.common.ApiException;
import org.samesong.common.DatabaseDown;
import org.samesong.common.DatabaseTrouble;
import org.samesong.common.Ids;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.common.SessionLogContext;
import org.samesong.common.StreamAudience;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.playback.PlaybackService;
import org.samesong.playlist.PlaylistService;
import org.samesong.playlist.ProposedChange;
import org.samesong.request.RequestService;
import org.samesong.session.KnockService;
import org.samesong.session.SessionService;
import org.samesong.settings.SettingsService;
import org.samesong.sync.Broadcaster;
import org.samesong.sync.MemberRoster;
import org.samesong.sync.PlayerSettings;
import org.samesong.sync.SyncHub;
import org.samesong.sync.api.ClientMessage;
import org.samesong.sync.api.ServerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code /ws/sessions/{id}?token=…}: one instance per connection. Checks the token and the session
 * on open (close codes in the protocol's order: 4401, 4404, 4403, 4410), sends {@code hello}, then
 * answers and dispatches client messages. Bad messages get an {@code error} and the connection
 * stays; a guest sending a host message gets {@code forbidden}; flooding closes 4429.
 */
public class SyncEndpoint extends Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(SyncEndpoint.class);
  public static final String PATH = "/ws/sessions/{id}";
  public static final int MAX_MESSAGE_BYTES = 16 * 1024;
  public static final long IDLE_TIMEOUT_MS = 120_000;
  static final int MESSAGES_PER_SECOND = 20;
  static final int MESSAGE_BURST = 60;

  /** The client message types by class, as the protocol names them. */
  private static final Map<Class<?>, String> TYPES = messageTypes();

  /** Every client message type (what the handling-time metric is labelled with). */
  public static final List<String> MESSAGE_TYPES = List.copyOf(TYPES.values());

  /** What every connection needs, wired once. */
  public record Deps(
      AuthService auth,
      SessionService sessions,
      PlaylistService playlist,
      PlaybackService playback,
      RequestService requests,
      KnockService knocks,
      SettingsService settings,
      SyncHub hub,
      Broadcaster broadcaster,
      ObjectMapper mapper,
      Clock clock,
      SamesongMetrics metrics) {}

  private final Deps deps;
  private final ObjectReader reader;
  private Connection connection;
  private SamesongPrincipal principal;
  private volatile int refusedWith;

  public SyncEndpoint(Deps deps) {
    this.deps = deps;
    this.reader = deps.mapper().readerFor(ClientMessage.class);
  }

  @Override
  public void onOpen(Session ws, EndpointConfig config) {
    ws.setMaxTextMessageBufferSize(MAX_MESSAGE_BYTES);
    ws.setMaxBinaryMessageBufferSize(MAX_MESSAGE_BYTES);
    ws.setMaxIdleTimeout(IDLE_TIMEOUT_MS);
    try {
      open(ws);
    } catch (RuntimeException e) {
      if (!DatabaseDown.is(e)) {
        throw e;
      }
      // 1013 Try Again Later: the client reconnects with its backoff, as after any drop
      DatabaseDown.note("a WebSocket connection", e);
      if (connection != null) {
        deps.hub().unregister(connection);
      }
      refuse(ws, CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), DatabaseDown.MESSAGE);
    }
  }

  private void open(Session ws) {
    String sessionId = ws.getPathParameters().get("id");
    List<String> tokens = ws.getRequestParameterMap().get("token");
    String token = tokens == null || tokens.isEmpty() ? null : tokens.get(0);
    Optional<AuthService.TokenCheck> check = deps.auth().inspect(token);
    // a kick revokes the member's logins too, but a kicked member is told 4403, not 4401
    if (check.isEmpty() || (check.get().revoked() && !check.get().kicked())) {
      refuse(ws, 4401, "the token is missing, invalid, expired or revoked");
      return;
    }
    // the session as this instance holds it (read from the database once per instance)
    boolean ended;
    try {
      ended = deps.playback().hasEnded(sessionId);
    } catch (ApiException e) {
      refuse(ws, 4404, "no such session");
      return;
    }
    SamesongPrincipal who = check.get().principal();
    if (!sessionId.equals(who.sessionId()) || who.memberId() == null || check.get().kicked()) {
      refuse(
          ws,
          4403,
          check.get().kicked() ? "removed from the session" : "this token is for another session");
      return;
    }
    if (ended) {
      refuse(ws, 4410, "the session ended");
      return;
    }
    principal = who;
    connection =
        new Connection(
            ws,
            sessionId,
            who.memberId(),
            who.role(),
            who.familyId(),
            MESSAGES_PER_SECOND,
            MESSAGE_BURST,
            deps.metrics());
    connection.tokenRenewed(who.familyId(), check.get().expiresAt().toEpochMilli());
    connection.rights(who.rights());
    connection.hold();
    // the session's members and state are read from the database once per instance, not per connect
    deps.broadcaster().roster().load(sessionId);
    deps.hub().register(connection);
    // registered first, so no broadcast is missed; what happened while this connection was being
    // checked is looked at in memory (kicks, revoked logins and ends reach it from every instance)
    if (deps.playback().hasEnded(sessionId)) {
      connection.sendAndClose(null, SyncHub.ENDED, "the session ended");
      return;
    }
    if (!deps.broadcaster().roster().admit(sessionId, who.memberId())) {
      connection.close(SyncHub.KICKED, "removed from the session");
      deps.hub().unregister(connection);
      return;
    }
    if (deps.broadcaster().roster().recentlyRevoked(who.familyId())) {
      connection.close(SyncHub.REVOKED, "the login was revoked");
      deps.hub().unregister(connection);
      return;
    }
    ws.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    // without a handler of its own a binary message would be dropped unseen and uncounted
    ws.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) b -> onBinary());
    // hello goes ahead of what queued meanwhile
    connection.start(deps.broadcaster().write(StreamAudience.of(who.memberId(), () -> hello())));
    LOG.info("session {}: {} {} connected", sessionId, who.role(), who.memberId());
  }

  @Override
  public void onClose(Session ws, CloseReason reason) {
    // every close, refused ones included, whichever side sent it (1006: no close frame at all)
    // the code this side sent when it closed (a refusal, a kick, a flood…), else the client's
    int sent = refusedWith != 0 ? refusedWith : connection != null ? connection.sentCloseCode() : 0;
    deps.metrics().webSocketClosed(sent != 0 ? sent : reason.getCloseCode().getCode());
    // the roster hears of the member's last connection closing from the hub: O(1), no I/O
    if (connection != null && deps.hub().unregister(connection)) {
      LOG.info(
          "session {}: {} disconnected ({})",
          connection.sessionId(),
          connection.memberId(),
          reason.getCloseCode().getCode());
    }
  }

  @Override
  public void onError(Session ws, Throwable error) {
    // clients that vanish without a close frame end up here; onClose follows
    LOG.debug("websocket error: {}", error.toString());
  }

  private void onBinary() {
    if (admit() && !closedForExpiry(null)) {
      error(
          "malformed",
          "messages are JSON text; binary messages are not part of the protocol",
          null);
    }
  }

  /**
   * Closes 4401 (and returns true) when the connection's token has expired and the message is not a
   * {@code reauth} bringing a fresh one: a volatile read, no database (the sweep of {@link
   * SyncHub#closeExpired} closes the quiet ones).
   */
  private boolean closedForExpiry(ClientMessage message) {
    if (message instanceof ClientMessage.Reauth
        || !connection.tokenExpired(deps.clock().millis())) {
      return false;
    }
    connection.close(SyncHub.REVOKED, "the token expired");
    return true;
  }

  /** Counts one incoming message; closes 4429 and returns false when the client floods. */
  private boolean admit() {
    if (connection.admitIncoming()) {
      return true;
    }
    LOG.info(
        "session {}: member {} floods; closing", connection.sessionId(), connection.memberId());
    connection.close(CloseReason.CloseCodes.getCloseCode(4429), "too many messages");
    return false;
  }

  private void onText(String text) {
    if (!admit()) {
      return;
    }
    ClientMessage message;
    try {
      message = reader.readValue(text);
    } catch (InvalidTypeIdException e) {
      String type = e.getTypeId();
      error(
          type == null ? "malformed" : "unknown_type",
          type == null ? "every message needs a type" : "unknown message type " + type,
          null);
      return;
    } catch (JsonMappingException e) {
      String field =
          e.getPath().stream()
              .map(JsonMappingException.Reference::getFieldName)
              .filter(f -> f != null)
              .collect(Collectors.joining("."));
      error(
          "invalid",
          field.isEmpty() ? "the message has the wrong shape" : field + " has the wrong type",
          null);
      return;
    } catch (JsonProcessingException e) {
      error("malformed", "not a JSON object", null);
      return;
    }
    if (message == null) {
      // the JSON literal null
      error("malformed", "not a JSON object", null);
      return;
    }
    if (closedForExpiry(message)) {
      return;
    }
    // the connection's rights as they are now: a field read, no database
    Rights rights = connection.rights();
    String needed = message.requiredRight();
    if (needed != null
        && !(ClientMessage.IN_CHARGE.equals(needed) ? rights.inCharge() : rights.can(needed))) {
      error(
          "forbidden",
          ClientMessage.IN_CHARGE.equals(needed)
              ? "only the host or a co-host can send this"
              : "you need the " + needed + " right (given by the host) to send this",
          message.ref());
      return;
    }
    long started = System.nanoTime();
    try {
      MDC.put(SessionLogContext.KEY, connection.sessionId());
      // the stream URLs of what is answered are this member's (broadcasts set their own); the
      // broadcasts the message makes are written to small rooms' sockets from this thread once it
      // is done (no lock is held here)
      Connection.sendingAfter(
          () ->
              StreamAudience.of(
                  connection.memberId(),
                  () -> {
                    dispatch(message);
                    return null;
                  }));
    } catch (ApiException e) {
      error(e.code(), e.getMessage(), message.ref());
    } catch (RuntimeException e) {
      Optional<ApiException> trouble =
          DatabaseTrouble.of(e, "a " + message.getClass().getSimpleName() + " message");
      if (trouble.isPresent()) {
        // the database is restarting or busy: the client may send it again, nothing failed here
        error(trouble.get().code(), trouble.get().getMessage(), message.ref());
        return;
      }
      LOG.error(
          "session {}: handling {} failed",
          connection.sessionId(),
          message.getClass().getSimpleName(),
          e);
      error("internal_error", "the server failed; it has been logged", message.ref());
    } finally {
      MDC.remove(SessionLogContext.KEY);
      deps.metrics().messageHandled(TYPES.get(message.getClass()), System.nanoTime() - started);
    }
  }

  private static Map<Class<?>, String> messageTypes() {
    Map<Class<?>, String> types = new LinkedHashMap<>();
    for (JsonSubTypes.Type t : ClientMessage.class.getAnnotation(JsonSubTypes.class).value()) {
      types.put(t.value(), t.name());
    }
    return types;
  }

  private void dispatch(ClientMessage message) {
    String sessionId = connection.sessionId();
    // who acts: the member with the rights its connection holds now
    SamesongPrincipal principal = this.principal.withRights(connection.rights());
    if (message instanceof ClientMessage.Ping ping) {
      double clientTime = ping.clientTime() == null ? 0 : ping.clientTime();
      long now = deps.clock().millis();
      connection.sendFirst(
          deps.broadcaster()
              .write(new ServerMessage.Pong(deps.hub().lastSeq(sessionId), now, clientTime)));
    } else if (message instanceof ClientMessage.SyncAck ack) {
      if (ack.driftMs() == null || !Double.isFinite(ack.driftMs())) {
        throw ApiException.badRequest("invalid", "drift_ms", "drift_ms must be a number");
      }
      if (ack.listenerState() != null
          && !ClientMessage.SyncAck.LISTENER_STATES.contains(ack.listenerState())) {
        throw ApiException.badRequest(
            "invalid",
            "listener_state",
            "listener_state must be one of playing, buffering, blocked, muted, background");
      }
      if (ack.outputLatencyMs() != null
          && (ack.outputLatencyMs() < -1000 || ack.outputLatencyMs() > 5000)) {
        throw ApiException.badRequest(
            "invalid", "output_latency_ms", "output_latency_ms must be between -1000 and 5000");
      }
      deps.metrics().driftReported(ack.driftMs());
      deps.broadcaster()
          .reported(
              sessionId,
              connection.memberId(),
              ack.driftMs(),
              ack.listenerState(),
              ack.outputLatencyMs());
    } else if (message instanceof ClientMessage.Resync) {
      // direct replies with the current number: the playlist as it is, then the playback state
      long seq = deps.hub().lastSeq(sessionId);
      connection.send(
          deps.broadcaster()
              .write(
                  deps.broadcaster().playlistSnapshot(seq, deps.playback().playlist(sessionId))));
      connection.send(
          deps.broadcaster()
              .write(deps.broadcaster().playbackMessage(seq, deps.playback().json(sessionId))));
    } else if (message instanceof ClientMessage.Reauth reauth) {
      reauth(reauth);
    } else if (message instanceof ClientMessage.RequestPlaylistChange change) {
      if (connection.isHost()) {
        throw new ApiException(403, "forbidden", "the host edits the playlist directly");
      }
      deps.requests()
          .create(
              principal,
              sessionId,
              new ProposedChange(
                  change.action(),
                  change.trackId(),
                  change.url(),
                  change.itemId(),
                  change.position(),
                  change.note()));
    } else if (message instanceof ClientMessage.PlaybackCommand command) {
      deps.playback().command(sessionId, command.action(), command.positionMs());
    } else if (message instanceof ClientMessage.ApproveRequest approve) {
      deps.requests().approve(principal, requireId(approve.requestId()));
    } else if (message instanceof ClientMessage.DenyRequest deny) {
      deps.requests().deny(principal, requireId(deny.requestId()), deny.reason());
    } else if (message instanceof ClientMessage.AdmitKnock admit) {
      deps.knocks().admit(principal, requireKnockId(admit.knockId()));
    } else if (message instanceof ClientMessage.RefuseKnock refuse) {
      deps.knocks().refuse(principal, requireKnockId(refuse.knockId()));
    }
  }

  /**
   * Takes a fresh access token for this connection: valid, not revoked, of this session and this
   * member. Anything else gets {@code error} {@code invalid_token} (the connection keeps its
   * token), and when that token has expired already the connection closes 4401.
   */
  private void reauth(ClientMessage.Reauth reauth) {
    Optional<AuthService.TokenCheck> check = deps.auth().inspect(reauth.token());
    String problem = null;
    if (check.isEmpty()) {
      problem = "the token is missing, invalid or expired";
    } else if (check.get().revoked() || check.get().kicked()) {
      problem = "the token was revoked";
    } else if (!connection.sessionId().equals(check.get().principal().sessionId())
        || !connection.memberId().equals(check.get().principal().memberId())) {
      problem = "the token is of another session or member";
    } else if (deps.broadcaster().roster().recentlyRevoked(check.get().principal().familyId())) {
      problem = "the token was revoked";
    }
    if (problem != null) {
      error("invalid_token", problem, reauth.ref());
      if (connection.tokenExpired(deps.clock().millis())) {
        connection.close(SyncHub.REVOKED, "the token expired");
      }
      return;
    }
    principal = check.get().principal();
    connection.tokenRenewed(principal.familyId(), check.get().expiresAt().toEpochMilli());
  }

  private static String requireKnockId(String knockId) {
    if (knockId == null || knockId.isBlank()) {
      throw ApiException.badRequest("knock_id", "is required");
    }
    return Ids.requireUuid(knockId, "knock");
  }

  /** A missing id is the client's mistake (400); one that is no UUID names no request (404). */
  private static String requireId(String requestId) {
    if (requestId == null || requestId.isBlank()) {
      throw ApiException.badRequest("request_id", "is required");
    }
    return Ids.requireUuid(requestId, "request");
  }

  /**
   * Everything a new connection needs, from memory: the playback state, the playlist and the
   * members (a guest gets the first {@link ServerMessage.Hello#GUEST_MEMBER_LIMIT}, host first, and
   * the count); only the host's pending requests are read from the database.
   */
  private ServerMessage.Hello hello() {
    String sessionId = connection.sessionId();
    Rights rights = connection.rights();
    boolean staff = "host".equals(rights.audience());
    List<Object> pending = staff ? List.copyOf(deps.requests().pending(sessionId)) : null;
    List<Object> knocks = rights.inCharge() ? List.copyOf(deps.knocks().pending(sessionId)) : null;
    MemberRoster roster = deps.broadcaster().roster();
    int limit = rights.inCharge() ? Integer.MAX_VALUE : ServerMessage.Hello.GUEST_MEMBER_LIMIT;
    return new ServerMessage.Hello(
        deps.hub().lastSeq(sessionId),
        deps.clock().millis(),
        connection.memberId(),
        rights.role(),
        rights.json(),
        deps.playback().json(sessionId),
        deps.playlist().toJson(deps.playback().playlist(sessionId)),
        roster.list(sessionId, limit),
        roster.count(sessionId),
        pending,
        knocks,
        PlayerSettings.of(deps.settings()));
  }

  private void error(String code, String message, String ref) {
    connection.send(
        deps.broadcaster()
            .write(
                new ServerMessage.Error(
                    deps.hub().lastSeq(connection.sessionId()),
                    deps.clock().millis(),
                    code,
                    message,
                    ref)));
  }

  private void refuse(Session ws, int code, String reason) {
    refusedWith = code;
    try {
      ws.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    } catch (java.io.IOException e) {
      // gone already
    }
  }
}
