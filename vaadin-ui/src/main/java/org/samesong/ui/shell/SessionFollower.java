package org.samesong.ui.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.MoreExecutors;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.samesong.sync.Broadcaster;
import org.samesong.sync.bus.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a view live: while its component is attached, every broadcast of the followed session (the
 * same messages the WebSocket listeners get, from any instance of a cluster) reaches the view's
 * handler inside {@code UI.access}, so it is pushed to the browser at once. No polling. The
 * handlers run on the UI's update threads ({@link UiServices#updates}), in the order of the
 * broadcasts, never on the thread that delivered them.
 */
public final class SessionFollower {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFollower.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One broadcast as a view sees it.
   *
   * @param type the server message type ({@code playback_state}, {@code playlist_update}, {@code
   *     request_update}, {@code member_update}, {@code session_ended}), or {@code kick} when
   *     members were removed ({@code kicked} names them)
   * @param message the message as the WebSocket carries it; null for {@code kick}
   */
  public record Broadcast(String type, JsonNode message, Set<String> kicked) {}

  /**
   * Whether a broadcast re-sends the session's state after the event bus lost messages (a {@code
   * playlist_update} whose change is {@code resync}): views then reload everything they show.
   */
  public static boolean isResync(Broadcast broadcast) {
    return broadcast.message() != null
        && Broadcaster.RESYNC.equals(broadcast.message().at("/change/op").asText());
  }

  private final Component owner;
  private final Consumer<Broadcast> handler;
  private String sessionId;
  private volatile AutoCloseable subscription;

  public SessionFollower(Component owner, Consumer<Broadcast> handler) {
    this.owner = owner;
    this.handler = handler;
    owner.addAttachListener(e -> subscribe(e.getUI()));
    owner.addDetachListener(e -> unsubscribe());
  }

  /** Follows this session from now on (null: none). */
  public void follow(String sessionId) {
    unsubscribe();
    this.sessionId = sessionId;
    owner.getUI().ifPresent(this::subscribe);
  }

  private void subscribe(UI ui) {
    unsubscribe();
    if (sessionId == null) {
      return;
    }
    // the delivering thread only queues: UI.access runs the handler at once when the session's
    // lock is free, and handlers read the database; one queue per view keeps the order
    Executor inOrder = MoreExecutors.newSequentialExecutor(UiServices.updates());
    AutoCloseable[] mine = new AutoCloseable[1];
    mine[0] =
        UiServices.get()
            .hub()
            .watch(
                sessionId,
                envelope ->
                    inOrder.execute(
                        () -> {
                          Broadcast broadcast = parse(envelope);
                          if (broadcast == null) {
                            return;
                          }
                          try {
                            ui.access(
                                () -> {
                                  // queued before the view moved on (detached, or follows another
                                  // session now): not for it any more
                                  if (subscription == mine[0] && owner.isAttached()) {
                                    handler.accept(broadcast);
                                  }
                                });
                          } catch (UIDetachedException e) {
                            closeQuietly(mine[0]);
                          }
                        }));
    subscription = mine[0];
  }

  private void unsubscribe() {
    AutoCloseable current = subscription;
    subscription = null;
    if (current != null) {
      closeQuietly(current);
    }
  }

  private static void closeQuietly(AutoCloseable subscription) {
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.debug("closing a session subscription failed: {}", e.toString());
    }
  }

  private static Broadcast parse(Envelope envelope) {
    if (Envelope.KICK.equals(envelope.kind())) {
      return new Broadcast("kick", null, envelope.memberIds());
    }
    if (envelope.json() == null) {
      return null;
    }
    try {
      JsonNode message = JSON.readTree(envelope.json());
      return new Broadcast(message.path("type").asText(""), message, Set.of());
    } catch (Exception e) {
      LOG.debug("unreadable broadcast skipped: {}", e.toString());
      return null;
    }
  }
}
