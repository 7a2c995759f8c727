package org.samesong.common;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a member of a session may do: its role ({@code host}, {@code cohost} or {@code guest}) and
 * its single rights. The host may do everything; a co-host has all four rights; a guest has those
 * the host (or a co-host) gave it. Read from the member's row at every REST request and held by
 * each WebSocket connection (replaced at once when the host changes it), so a check is a field
 * read.
 *
 * @param role {@code host}, {@code cohost} or {@code guest}
 * @param permissions a subset of {@link #PERMISSIONS}
 */
public record Rights(String role, Set<String> permissions) {
  public static final String HOST = "host";
  public static final String COHOST = "cohost";
  public static final String GUEST = "guest";

  /** The member's own adds are applied at once, logged as approved by {@code auto}. */
  public static final String AUTO_APPROVE = "auto_approve";

  public static final String CONTROL_PLAYBACK = "control_playback";
  public static final String DECIDE_REQUESTS = "decide_requests";
  public static final String EDIT_PLAYLIST = "edit_playlist";

  /** Every single right, in the order the API lists them. */
  public static final List<String> PERMISSIONS =
      List.of(AUTO_APPROVE, CONTROL_PLAYBACK, DECIDE_REQUESTS, EDIT_PLAYLIST);

  public static final Rights HOST_RIGHTS = new Rights(HOST, Set.copyOf(PERMISSIONS));
  public static final Rights GUEST_RIGHTS = new Rights(GUEST, Set.of());

  public Rights {
    if (!HOST.equals(role) && !COHOST.equals(role) && !GUEST.equals(role)) {
      throw new IllegalArgumentException("unknown member role " + role);
    }
    if (!PERMISSIONS.containsAll(permissions)) {
      throw new IllegalArgumentException("unknown permission in " + permissions);
    }
    // the host and co-hosts have every right, whatever is stored
    permissions =
        HOST.equals(role) || COHOST.equals(role)
            ? Set.copyOf(PERMISSIONS)
            : Set.copyOf(permissions);
  }

  /** The rights as stored: a role and the comma-separated permissions column. */
  public static Rights stored(String role, String permissions) {
    Set<String> set =
        permissions == null || permissions.isBlank()
            ? Set.of()
            : Arrays.stream(permissions.split(","))
                .map(String::strip)
                .filter(PERMISSIONS::contains)
                .collect(Collectors.toSet());
    return new Rights(role == null ? GUEST : role, set);
  }

  /** The permissions column: sorted, comma-separated (guests only; host and co-hosts have all). */
  public String storedPermissions() {
    return GUEST.equals(role) ? String.join(",", new TreeSet<>(permissions)) : "";
  }

  public boolean can(String permission) {
    return permissions.contains(permission);
  }

  public boolean isHost() {
    return HOST.equals(role);
  }

  public boolean isCohost() {
    return COHOST.equals(role);
  }

  /** Host or co-host: who manages members, invites and knocks. */
  public boolean inCharge() {
    return isHost() || isCohost();
  }

  /**
   * Which broadcasts a connection with these rights receives: {@code host} (what the host hears:
   * requests as they arrive, knocks, listeners' drift) for the host, co-hosts and members who
   * decide requests; {@code guest} for the others.
   */
  public String audience() {
    return inCharge() || can(DECIDE_REQUESTS) ? HOST : GUEST;
  }

  /** The API's form: each permission by name, true or false. */
  public Map<String, Boolean> json() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (String p : PERMISSIONS) {
      out.put(p, can(p));
    }
    return out;
  }
}
