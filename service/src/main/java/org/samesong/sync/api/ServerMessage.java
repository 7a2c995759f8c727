package org.samesong.sync.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Server → client messages of {@code /ws/sessions/{id}}. Every one carries {@code type}, {@code
 * seq} (per session: broadcasts take the next number, direct replies carry the current one) and
 * {@code server_time} (epoch ms).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerMessage.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ServerMessage.PlaybackState.class, name = "playback_state"),
  @JsonSubTypes.Type(value = ServerMessage.PlaylistUpdate.class, name = "playlist_update"),
  @JsonSubTypes.Type(value = ServerMessage.RequestUpdate.class, name = "request_update"),
  @JsonSubTypes.Type(value = ServerMessage.MemberUpdate.class, name = "member_update"),
  @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = ServerMessage.SessionEnded.class, name = "session_ended"),
  @JsonSubTypes.Type(value = ServerMessage.SettingsUpdate.class, name = "settings_update"),
  @JsonSubTypes.Type(value = ServerMessage.SessionUpdate.class, name = "session_update"),
  @JsonSubTypes.Type(value = ServerMessage.Knock.class, name = "knock"),
  @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerMessage {
  long seq();

  @JsonProperty("server_time")
  long serverTime();

  /** Right after connecting: who you are and everything you need to start playing. */
  record Hello(
      long seq,
      @JsonProperty("server_time") long serverTime,
      @JsonProperty("member_id") String memberId,
      String role,
      Map<String, Boolean> permissions,
      @JsonProperty("playback_state") Object playbackState,
      Object playlist,
      List<Member> members,
      @JsonProperty("member_count") int memberCount,
      @JsonProperty("pending_requests") List<Object> pendingRequests,
      List<Object> knocks,
      Map<String, Object> settings)
      implements ServerMessage {
    /** The most members a guest's hello lists (host first); {@code member_count} tells the rest. */
    public static final int GUEST_MEMBER_LIMIT = 100;
  }

  /** The authoritative playback state, on every change and as a heartbeat. */
  record PlaybackState(
      long seq,
      @JsonProperty("server_time") long serverTime,
      // null when nothing is loaded, and then on the wire as null (as in hello and the REST API)
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("track_id") String trackId,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("item_id") String itemId,
      @JsonProperty("position_ms") long positionMs,
      String state,
      @JsonProperty("updated_at") String updatedAt,
      @JsonProperty("duration_ms") Long durationMs)
      implements ServerMessage {}

  /**
   * A playlist change: what changed ({@code change}) and the version it made, O(1) whatever the
   * playlist's length. Only the {@code resync} form ({@code change.op = "resync"}) carries the
   * whole list ({@code items}), for clients that saw a version gap or after the bus lost messages.
   */
  record PlaylistUpdate(
      long seq,
      @JsonProperty("server_time") long serverTime,
      long version,
      List<Object> items,
      Map<String, Object> change)
      implements ServerMessage {}

  /** A request was created (to the host and its author) or decided (to everyone). */
  record RequestUpdate(
      long seq,
      @JsonProperty("server_time") long serverTime,
      @JsonProperty("request_id") String requestId,
      String status,
      Object payload,
      @JsonProperty("requested_by") String requestedBy,
      String reason,
      Object request)
      implements ServerMessage {}

  /**
   * The members that changed since the last update (joined, connected, disconnected, drift), those
   * that left the session, and how many members it has now; coalesced per session.
   */
  record MemberUpdate(
      long seq,
      @JsonProperty("server_time") long serverTime,
      List<Member> members,
      List<String> left,
      @JsonProperty("member_count") int memberCount)
      implements ServerMessage {}

  /**
   * The session's host, join mode or name changed (a hand-off, a mode change), or its invite code
   * was rotated ({@code code}: to the host and co-hosts only).
   */
  record SessionUpdate(
      long seq,
      @JsonProperty("server_time") long serverTime,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("host_member_id") String hostMemberId,
      @JsonProperty("join_mode") String joinMode,
      String name,
      String code)
      implements ServerMessage {}

  /** Someone knocked, or a knock was decided (to the host and co-hosts). */
  record Knock(
      long seq,
      @JsonProperty("server_time") long serverTime,
      @JsonProperty("knock_id") String knockId,
      @JsonProperty("display_name") String displayName,
      String status)
      implements ServerMessage {}

  /** The answer to {@code ping}: the client's time echoed and the server's. */
  record Pong(
      long seq,
      @JsonProperty("server_time") long serverTime,
      @JsonProperty("client_time") double clientTime)
      implements ServerMessage {}

  /**
   * The players' settings (those of {@code hello}) after an admin changed them; a direct message to
   * every connection, carrying the session's current number.
   */
  record SettingsUpdate(
      long seq, @JsonProperty("server_time") long serverTime, Map<String, Object> settings)
      implements ServerMessage {}

  /** The host ended the session; the connection closes with 4410. */
  record SessionEnded(long seq, @JsonProperty("server_time") long serverTime)
      implements ServerMessage {}

  /** Something the client sent was refused; {@code ref} echoes the client's reference. */
  record Error(
      long seq,
      @JsonProperty("server_time") long serverTime,
      String code,
      String message,
      String ref)
      implements ServerMessage {}

  /**
   * A member in {@code hello} and {@code member_update}. {@code listener_state} is {@code offline}
   * without a connection; {@code drift_ms}, {@code listener_state} and {@code output_latency_ms}
   * are null until the member's player reports them ({@code drift_ms} is written as null then, the
   * others are left out).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Member(
      @JsonProperty("member_id") String memberId,
      @JsonProperty("display_name") String displayName,
      String role,
      boolean connected,
      @JsonProperty("listener_state") String listenerState,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("drift_ms") Double driftMs,
      @JsonProperty("output_latency_ms") Integer outputLatencyMs,
      Map<String, Boolean> permissions) {
    /** A member as the roster lists it (rights only in the member's own update). */
    public Member(
        String memberId,
        String displayName,
        String role,
        boolean connected,
        String listenerState,
        Double driftMs,
        Integer outputLatencyMs) {
      this(memberId, displayName, role, connected, listenerState, driftMs, outputLatencyMs, null);
    }

    public static final String OFFLINE = "offline";
    public static final String PLAYING = "playing";
  }
}
