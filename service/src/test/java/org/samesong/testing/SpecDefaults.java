package org.samesong.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime settings and their defaults exactly as SPEC.md section 2 lists them, typed out here
 * rather than read from the code, so that a changed default in the code fails a test.
 */
public final class SpecDefaults {
  private SpecDefaults() {}

  public static final Map<String, Object> SETTINGS = settings();

  private static Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dead_band_ms", 2);
    m.put("seek_threshold_ms", 150);
    m.put("max_rate_correction", 0.02);
    m.put("resync_interval_ms", 10000);
    m.put("guest_requests_per_minute", 5);
    m.put("guest_request_burst", 3);
    m.put("session_requests_per_minute", 60);
    m.put("joins_per_ip_per_minute", 20);
    m.put("logins_per_minute", 10);
    m.put("max_guests_per_session", 200);
    m.put("access_token_ttl_s", 900);
    m.put("refresh_token_ttl_s", 604800);
    m.put("max_playlist_items", 1000);
    m.put("max_pending_requests_per_guest", 3);
    m.put("max_adds_per_guest_per_hour", 0);
    m.put("fair_queue", true);
    m.put("host_grace_s", 120);
    m.put("stream_url_ttl_s", 900);
    m.put("min_password_strength", 3);
    m.put("open_registration", false);
    m.put("allow_private_urls", false);
    m.put("public_url", "");
    m.put("library_folders", List.of());
    m.put("webhook_urls", List.of());
    return java.util.Collections.unmodifiableMap(m);
  }
}
