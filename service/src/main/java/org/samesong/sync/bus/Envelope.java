package org.samesong.sync.bus;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Set;
import org.samesong.common.Rights;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.playback.PlaybackState;

/**
 * One message on its way to a session's connections, on this instance or (through Redis) on all:
 * the serialised server message and who gets it.
 *
 * @param kind {@code deliver} a message; {@code kick} closes {@code memberIds}' connections with
 *     4403; {@code revoke} closes with 4401 the connections opened with a token of the revoked
 *     logins (token families) whose ids {@code memberIds} holds; {@code end} sends the message to
 *     all, then closes every connection with 4410; {@code settings} tells every instance to reload
 *     the settings; {@code rights} see {@link #RIGHTS}
 * @param roles roles that receive it ({@code host}, {@code guest}); empty means none by role
 * @param memberIds members that receive it whatever their role (for {@code revoke}: token families)
 * @param origin when set, only the instance with this id delivers it (heartbeats)
 * @param createdMicros when it was created, in wall-clock microseconds since the epoch: its fan-out
 *     latency is measured from then, on whichever instance delivers it
 * @param playback the playback state a {@code playback_state} message carries, so that every
 *     instance's in-memory state follows it in the order of the numbers (null otherwise)
 * @param playlistVersion the version a {@code playlist_update} announces (0 otherwise): instances
 *     holding an older playlist in memory read it again
 */
public record Envelope(
    String kind,
    String sessionId,
    long seq,
    Set<String> roles,
    Set<String> memberIds,
    String json,
    String origin,
    long createdMicros,
    PlaybackState playback,
    long playlistVersion) {
  public static final String DELIVER = "deliver";
  public static final String KICK = "kick";
  public static final String REVOKE = "revoke";
  public static final String END = "end";
  public static final String SETTINGS = "settings";

  /**
   * A member's rights changed: its connections ({@code memberIds}) take the rights {@code roles}
   * carries ({@link #rights}) at once and get {@code json} (a {@code member_update} naming them).
   */
  public static final String RIGHTS = "rights";

  private static final String ROLE_PREFIX = "role:";
  public static final Set<String> EVERYONE = Set.of("host", "guest");

  /** The canonical constructor is the one JSON (the Redis bus) uses. */
  @JsonCreator
  public Envelope {}

  /** An envelope created now. */
  public Envelope(
      String kind,
      String sessionId,
      long seq,
      Set<String> roles,
      Set<String> memberIds,
      String json,
      String origin) {
    this(kind, sessionId, seq, roles, memberIds, json, origin, SamesongMetrics.wallMicros());
  }

  /** An envelope carrying no state for the instances' memory. */
  public Envelope(
      String kind,
      String sessionId,
      long seq,
      Set<String> roles,
      Set<String> memberIds,
      String json,
      String origin,
      long createdMicros) {
    this(kind, sessionId, seq, roles, memberIds, json, origin, createdMicros, null, 0);
  }

  /** The same envelope carrying a playback state for the instances' memory. */
  public Envelope withPlayback(PlaybackState state) {
    return new Envelope(
        kind,
        sessionId,
        seq,
        roles,
        memberIds,
        json,
        origin,
        createdMicros,
        state,
        playlistVersion);
  }

  /** The same envelope announcing a playlist version to the instances' memory. */
  public Envelope withPlaylistVersion(long version) {
    return new Envelope(
        kind, sessionId, seq, roles, memberIds, json, origin, createdMicros, playback, version);
  }

  public static Envelope toAll(String sessionId, long seq, String json) {
    return new Envelope(DELIVER, sessionId, seq, EVERYONE, Set.of(), json, null);
  }

  /** Tells the member's connections on every instance of its new rights. */
  public static Envelope rights(String sessionId, String memberId, Rights rights, String json) {
    Set<String> words = new java.util.HashSet<>(rights.permissions());
    words.add(ROLE_PREFIX + rights.role());
    return new Envelope(RIGHTS, sessionId, 0, Set.copyOf(words), Set.of(memberId), json, null);
  }

  /** The rights a {@link #RIGHTS} envelope carries. */
  public Rights rights() {
    String role = Rights.GUEST;
    Set<String> permissions = new java.util.HashSet<>();
    for (String word : roles) {
      if (word.startsWith(ROLE_PREFIX)) {
        role = word.substring(ROLE_PREFIX.length());
      } else {
        permissions.add(word);
      }
    }
    return new Rights(role, permissions);
  }

  public boolean reaches(String role, String memberId) {
    return roles.contains(role) || memberIds.contains(memberId);
  }

  /** The same envelope with its number filled in (the number appears in the JSON as well). */
  public Envelope numbered(long number, long placeholder) {
    String text =
        json == null ? null : json.replace(Long.toString(placeholder), Long.toString(number));
    return new Envelope(
        kind,
        sessionId,
        number,
        roles,
        memberIds,
        text,
        origin,
        createdMicros,
        playback,
        playlistVersion);
  }
}
