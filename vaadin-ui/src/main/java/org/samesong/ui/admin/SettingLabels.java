package org.samesong.ui.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the admin screen names and groups the settings: a label in words for each key (the key
 * itself, which the API uses, stays in the help text) and the group it belongs to. A setting not
 * named here is shown under "Other" with its key turned into words.
 */
final class SettingLabels {
  /** The groups in the order the screen shows them. */
  static final List<String> GROUPS =
      List.of(
          "Playback sync",
          "Guests and requests",
          "Accounts and sign-in",
          "Music, links and integrations",
          "Other");

  private record Label(String group, String text) {}

  private static final Map<String, Label> LABELS = new LinkedHashMap<>();

  static {
    sync("dead_band_ms", "Dead band (ms)");
    sync("seek_threshold_ms", "Seek instead of speeding up above (ms)");
    sync("max_rate_correction", "Largest speed change while catching up");
    sync("resync_interval_ms", "Position heartbeat every (ms)");
    guests("max_guests_per_session", "Guests per session");
    guests("joins_per_ip_per_minute", "Joins per address per minute");
    guests("guest_requests_per_minute", "Requests per guest per minute");
    guests("guest_request_burst", "Requests a guest may send at once");
    guests("session_requests_per_minute", "Requests per session per minute");
    guests("max_pending_requests_per_guest", "Pending requests per guest");
    guests("max_adds_per_guest_per_hour", "Approved adds per guest per hour (0: no limit)");
    guests("fair_queue", "Interleave guests' adds fairly");
    guests("max_playlist_items", "Playlist length limit");
    guests("host_grace_s", "Hand the session on after the host is gone (s)");
    accounts("open_registration", "Anyone may create an account");
    accounts("logins_per_minute", "Login attempts per account and address per minute");
    accounts("min_password_strength", "Password strength needed (0–4)");
    accounts("access_token_ttl_s", "Access token lifetime (s)");
    accounts("refresh_token_ttl_s", "Stay signed in for (s)");
    accounts("stream_url_ttl_s", "Stream link lifetime (s)");
    music("public_url", "Public address of this server");
    music("library_folders", "Music folders");
    music("allow_private_urls", "Allow URL tracks on private networks");
    music("webhook_urls", "Webhook URLs");
  }

  private SettingLabels() {}

  private static void sync(String key, String text) {
    LABELS.put(key, new Label(GROUPS.get(0), text));
  }

  private static void guests(String key, String text) {
    LABELS.put(key, new Label(GROUPS.get(1), text));
  }

  private static void accounts(String key, String text) {
    LABELS.put(key, new Label(GROUPS.get(2), text));
  }

  private static void music(String key, String text) {
    LABELS.put(key, new Label(GROUPS.get(3), text));
  }

  static String group(String key) {
    Label label = LABELS.get(key);
    return label == null ? "Other" : label.group();
  }

  static String label(String key) {
    Label label = LABELS.get(key);
    if (label != null) {
      return label.text();
    }
    String words = key.replace('_', ' ');
    return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
  }
}
