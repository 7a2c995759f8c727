package org.samesong.sync.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Client → server messages of {@code /ws/sessions/{id}}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = ClientMessage.SyncAck.class, name = "sync_ack"),
  @JsonSubTypes.Type(
      value = ClientMessage.RequestPlaylistChange.class,
      name = "request_playlist_change"),
  @JsonSubTypes.Type(value = ClientMessage.PlaybackCommand.class, name = "playback_command"),
  @JsonSubTypes.Type(value = ClientMessage.ApproveRequest.class, name = "approve_request"),
  @JsonSubTypes.Type(value = ClientMessage.DenyRequest.class, name = "deny_request"),
  @JsonSubTypes.Type(value = ClientMessage.Resync.class, name = "resync"),
  @JsonSubTypes.Type(value = ClientMessage.Reauth.class, name = "reauth"),
  @JsonSubTypes.Type(value = ClientMessage.AdmitKnock.class, name = "admit_knock"),
  @JsonSubTypes.Type(value = ClientMessage.RefuseKnock.class, name = "refuse_knock")
})
public sealed interface ClientMessage {

  /** Who may send it, besides the host: any member (null), or "cohost" or a single right. */
  String IN_CHARGE = "cohost";

  /**
   * The right it takes ({@link org.samesong.common.Rights}: {@code control_playback}, {@code
   * decide_requests}), {@link #IN_CHARGE} for the host and co-hosts, null for anyone.
   */
  @JsonIgnore
  default String requiredRight() {
    return null;
  }

  /**
   * The client's reference, echoed in an {@code error} about this message. Not {@code @JsonIgnore}:
   * the records' {@code ref} accessors override this method and would inherit the ignoral, so the
   * {@code ref} a client sends would never be read.
   */
  default String ref() {
    return null;
  }

  /** For clock-offset estimation; answered at once with {@code pong}. */
  record Ping(@JsonProperty("client_time") Double clientTime) implements ClientMessage {}

  /**
   * The listener's measured drift, about every 2 s, and (optional) what its player is doing and how
   * late its speakers sound.
   */
  record SyncAck(
      @JsonProperty("track_id") String trackId,
      @JsonProperty("position_ms") Double positionMs,
      @JsonProperty("drift_ms") Double driftMs,
      @JsonProperty("listener_state") String listenerState,
      @JsonProperty("output_latency_ms") Integer outputLatencyMs)
      implements ClientMessage {
    /** What {@code listener_state} may say (offline is the server's word for no connection). */
    public static final java.util.Set<String> LISTENER_STATES =
        java.util.Set.of("playing", "buffering", "blocked", "muted", "background");
  }

  /**
   * The client missed something (a playlist version gap): the server answers with the playlist as
   * it is ({@code playlist_update} with {@code change.op = "resync"}) and the playback state.
   */
  record Resync() implements ClientMessage {}

  /**
   * A fresh access token for this connection (of the same session and member), sent before the one
   * it was opened with expires: without one, the connection closes with 4401 at its token's expiry.
   * Never echoed or logged.
   */
  record Reauth(String token, String ref) implements ClientMessage {
    @Override
    public String toString() {
      return "Reauth[token=…, ref=" + ref + "]";
    }
  }

  /** A guest proposes a playlist change. */
  record RequestPlaylistChange(
      String action,
      @JsonProperty("track_id") String trackId,
      String url,
      @JsonProperty("item_id") String itemId,
      Integer position,
      String note,
      String ref)
      implements ClientMessage {}

  /** The host's transport controls. */
  record PlaybackCommand(String action, @JsonProperty("position_ms") Long positionMs, String ref)
      implements ClientMessage {
    @Override
    @JsonIgnore
    public String requiredRight() {
      return org.samesong.common.Rights.CONTROL_PLAYBACK;
    }
  }

  /** The host approves a request. */
  record ApproveRequest(@JsonProperty("request_id") String requestId, String ref)
      implements ClientMessage {
    @Override
    @JsonIgnore
    public String requiredRight() {
      return org.samesong.common.Rights.DECIDE_REQUESTS;
    }
  }

  /** The host denies a request, with an optional reason. */
  record DenyRequest(@JsonProperty("request_id") String requestId, String reason, String ref)
      implements ClientMessage {
    @Override
    @JsonIgnore
    public String requiredRight() {
      return org.samesong.common.Rights.DECIDE_REQUESTS;
    }
  }

  /** The host or a co-host lets a knocker in. */
  record AdmitKnock(@JsonProperty("knock_id") String knockId, String ref) implements ClientMessage {
    @Override
    @JsonIgnore
    public String requiredRight() {
      return IN_CHARGE;
    }
  }

  /** The host or a co-host turns a knocker away. */
  record RefuseKnock(@JsonProperty("knock_id") String knockId, String ref)
      implements ClientMessage {
    @Override
    @JsonIgnore
    public String requiredRight() {
      return IN_CHARGE;
    }
  }
}
