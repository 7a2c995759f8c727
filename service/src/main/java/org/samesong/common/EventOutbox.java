package org.samesong.common;

import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Where a feature records a session event for the outside world (webhooks), inside the transaction
 * of the change it tells of: the event is stored if and only if the change is. The features call
 * it; the webhook feature implements it. Must not do I/O beyond the given handle.
 */
public interface EventOutbox {
  /** Session events, as receivers see them in {@code event}. */
  String SESSION_CREATED = "session_created";

  String SESSION_ENDED = "session_ended";
  String REQUEST_CREATED = "request_created";
  String REQUEST_DECIDED = "request_decided";
  String TRACK_STARTED = "track_started";
  String MEMBER_JOINED = "member_joined";
  String MEMBER_LEFT = "member_left";

  /**
   * Records an event in {@code h}'s transaction.
   *
   * @param eventId the event's id, the same for every URL; a second record of an id is ignored
   *     (instances of a cluster that see the same track start record it once)
   * @param sessionId the session it is about (null for a test event)
   * @param at when it happened, epoch ms
   * @param data the event's own fields (JSON-serialisable)
   */
  void record(
      Handle h, String eventId, String event, String sessionId, long at, Map<String, ?> data);

  /** Records an event with a new id. */
  default void record(Handle h, String event, String sessionId, long at, Map<String, ?> data) {
    record(h, Ids.newId(), event, sessionId, at, data);
  }

  /** Whether anything would be recorded now (no webhook configured: callers skip the work). */
  default boolean active() {
    return true;
  }

  /** Records nothing. */
  EventOutbox NONE =
      new EventOutbox() {
        @Override
        public void record(
            Handle h,
            String eventId,
            String event,
            String sessionId,
            long at,
            Map<String, ?> data) {}

        @Override
        public boolean active() {
          return false;
        }
      };
}
