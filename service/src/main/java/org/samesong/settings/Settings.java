package org.samesong.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The runtime settings of the product (spec section 2), with their defaults and limits. */
public final class Settings {
  private Settings() {}

  public static final Setting<Double> DEAD_BAND_MS =
      decimal("dead_band_ms", 2.0, 0.0, 1000.0, "drift below which a player does nothing (ms)");
  public static final Setting<Integer> SEEK_THRESHOLD_MS =
      integer(
          "seek_threshold_ms",
          150,
          10,
          60_000,
          "drift above which a player seeks instead of changing its rate (ms)");
  public static final Setting<Double> MAX_RATE_CORRECTION =
      decimal(
          "max_rate_correction",
          0.02,
          0.001,
          0.25,
          "largest playback-rate change while correcting (fraction)");
  public static final Setting<Integer> RESYNC_INTERVAL_MS =
      integer(
          "resync_interval_ms",
          10_000,
          500,
          3_600_000,
          "interval of the playback_state heartbeat (ms)");
  public static final Setting<Integer> GUEST_REQUESTS_PER_MINUTE =
      integer(
          "guest_requests_per_minute",
          5,
          1,
          100_000,
          "playlist requests a guest may send per minute");
  public static final Setting<Integer> GUEST_REQUEST_BURST =
      integer("guest_request_burst", 3, 1, 100_000, "playlist requests a guest may send at once");
  public static final Setting<Integer> SESSION_REQUESTS_PER_MINUTE =
      integer(
          "session_requests_per_minute",
          60,
          1,
          1_000_000,
          "playlist requests all guests of a session may send per minute");
  public static final Setting<Integer> JOINS_PER_IP_PER_MINUTE =
      integer(
          "joins_per_ip_per_minute",
          20,
          1,
          1_000_000,
          "joins allowed from one IP address per minute");
  public static final Setting<Integer> LOGINS_PER_MINUTE =
      integer(
          "logins_per_minute",
          10,
          1,
          1_000_000,
          "login attempts per account and per IP address per minute");
  public static final Setting<Integer> MAX_GUESTS_PER_SESSION =
      integer("max_guests_per_session", 200, 1, 1_000_000, "guests one session admits");
  public static final Setting<Integer> ACCESS_TOKEN_TTL_S =
      integer("access_token_ttl_s", 900, 30, 86_400, "lifetime of access tokens (s)");
  public static final Setting<Integer> REFRESH_TOKEN_TTL_S =
      integer("refresh_token_ttl_s", 604_800, 300, 31_536_000, "lifetime of refresh tokens (s)");
  public static final Setting<Integer> MAX_PLAYLIST_ITEMS =
      integer(
          "max_playlist_items",
          1000,
          1,
          100_000,
          "items a session's playlist holds at most (an add beyond it is refused)");
  public static final Setting<Integer> MAX_PENDING_REQUESTS_PER_GUEST =
      integer(
          "max_pending_requests_per_guest",
          3,
          1,
          1000,
          "pending requests a guest may have at once (more are refused: quota_exceeded)");
  public static final Setting<Integer> MAX_ADDS_PER_GUEST_PER_HOUR =
      integer(
          "max_adds_per_guest_per_hour",
          0,
          0,
          10_000,
          "approved adds a guest may have in an hour (0: no quota)");
  public static final Setting<Boolean> FAIR_QUEUE =
      bool(
          "fair_queue",
          true,
          "approved adds without a position interleave round-robin by requester among what comes"
              + " next");
  public static final Setting<Integer> HOST_GRACE_S =
      integer(
          "host_grace_s",
          120,
          5,
          86_400,
          "seconds the host may be gone before the longest-serving connected co-host takes over");
  public static final Setting<Integer> STREAM_URL_TTL_S =
      integer(
          "stream_url_ttl_s",
          900,
          60,
          86_400,
          "lifetime of the signed stream URLs in track JSON (s); players fetch fresh ones");
  public static final Setting<Integer> MIN_PASSWORD_STRENGTH =
      integer(
          "min_password_strength",
          3,
          0,
          4,
          "least strength of new passwords, 0 (anything) to 4 (very hard to guess)");
  public static final Setting<Boolean> OPEN_REGISTRATION =
      bool("open_registration", false, "anyone may create an account");
  public static final Setting<Boolean> ALLOW_PRIVATE_URLS =
      bool("allow_private_urls", false, "URL tracks may point at loopback and private addresses");
  public static final Setting<String> PUBLIC_URL =
      new Setting<>(
          "public_url",
          "",
          String.class,
          Settings::parsePublicUrl,
          v -> Setting.json().textNode(v),
          "base URL of invite links (empty: the address the browser used)");

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final Setting<List<String>> LIBRARY_FOLDERS =
      new Setting<>(
          "library_folders",
          List.of(),
          (Class<List<String>>) (Class) List.class,
          Settings::parseFolders,
          Settings::writeFolders,
          "absolute paths of folders scanned for music");

  /** At most this many webhook URLs. */
  public static final int MAX_WEBHOOK_URLS = 10;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final Setting<List<String>> WEBHOOK_URLS =
      new Setting<>(
          "webhook_urls",
          List.of(),
          (Class<List<String>>) (Class) List.class,
          Settings::parseWebhookUrls,
          Settings::writeFolders,
          "http(s) URLs that receive every session event as a signed POST");

  /** Every setting, in the order screens show them. */
  public static final List<Setting<?>> ALL =
      List.of(
          DEAD_BAND_MS,
          SEEK_THRESHOLD_MS,
          MAX_RATE_CORRECTION,
          RESYNC_INTERVAL_MS,
          GUEST_REQUESTS_PER_MINUTE,
          GUEST_REQUEST_BURST,
          SESSION_REQUESTS_PER_MINUTE,
          JOINS_PER_IP_PER_MINUTE,
          LOGINS_PER_MINUTE,
          MAX_GUESTS_PER_SESSION,
          ACCESS_TOKEN_TTL_S,
          REFRESH_TOKEN_TTL_S,
          MAX_PLAYLIST_ITEMS,
          MAX_PENDING_REQUESTS_PER_GUEST,
          MAX_ADDS_PER_GUEST_PER_HOUR,
          FAIR_QUEUE,
          HOST_GRACE_S,
          STREAM_URL_TTL_S,
          MIN_PASSWORD_STRENGTH,
          OPEN_REGISTRATION,
          ALLOW_PRIVATE_URLS,
          PUBLIC_URL,
          LIBRARY_FOLDERS,
          WEBHOOK_URLS);

  private static Setting<Integer> integer(
      String key, int def, int min, int max, String description) {
    return new Setting<>(
        key,
        def,
        Integer.class,
        node -> {
          if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException("must be a whole number");
          }
          int v = node.intValue();
          if (v < min || v > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
          }
          return v;
        },
        v -> Setting.json().numberNode(v),
        description);
  }

  private static Setting<Double> decimal(
      String key, double def, double min, double max, String description) {
    return new Setting<>(
        key,
        def,
        Double.class,
        node -> {
          if (!node.isNumber()) {
            throw new IllegalArgumentException("must be a number");
          }
          double v = node.doubleValue();
          if (!Double.isFinite(v) || v < min || v > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
          }
          return v;
        },
        v -> Setting.json().numberNode(v),
        description);
  }

  private static Setting<Boolean> bool(String key, boolean def, String description) {
    return new Setting<>(
        key,
        def,
        Boolean.class,
        node -> {
          if (!node.isBoolean()) {
            throw new IllegalArgumentException("must be true or false");
          }
          return node.booleanValue();
        },
        v -> Setting.json().booleanNode(v),
        description);
  }

  private static String parsePublicUrl(JsonNode node) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException("must be a string");
    }
    String value = node.textValue().strip();
    if (value.isEmpty()) {
      return "";
    }
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "must be an http(s) URL such as https://music.example.org");
      }
      if (uri.getQuery() != null || uri.getFragment() != null) {
        throw new IllegalArgumentException("must not have a query or fragment");
      }
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "must be an http(s) URL such as https://music.example.org");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private static List<String> parseFolders(JsonNode node) {
    if (!node.isArray()) {
      throw new IllegalArgumentException("must be a list of folder paths");
    }
    List<String> folders = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw new IllegalArgumentException("must contain only non-empty paths");
      }
      String folder = item.textValue().strip();
      if (!Path.of(folder).isAbsolute()) {
        throw new IllegalArgumentException("must contain absolute paths (" + folder + " is not)");
      }
      if (!folders.contains(folder)) {
        folders.add(folder);
      }
    }
    if (folders.size() > 100) {
      throw new IllegalArgumentException("must have at most 100 folders");
    }
    return List.copyOf(folders);
  }

  private static List<String> parseWebhookUrls(JsonNode node) {
    if (!node.isArray()) {
      throw new IllegalArgumentException("must be a list of http(s) URLs");
    }
    List<String> urls = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw new IllegalArgumentException("must contain only non-empty URLs");
      }
      String url = item.textValue().strip();
      if (url.length() > 2048) {
        throw new IllegalArgumentException("must contain URLs of at most 2048 characters");
      }
      try {
        URI uri = new URI(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(url + " is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getFragment() != null) {
          throw new IllegalArgumentException(url + " must not carry credentials or a fragment");
        }
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(url + " is not an http(s) URL");
      }
      if (!urls.contains(url)) {
        urls.add(url);
      }
    }
    if (urls.size() > MAX_WEBHOOK_URLS) {
      throw new IllegalArgumentException("must have at most " + MAX_WEBHOOK_URLS + " URLs");
    }
    return List.copyOf(urls);
  }

  private static JsonNode writeFolders(List<String> folders) {
    ArrayNode array = Setting.json().arrayNode();
    folders.forEach(array::add);
    return array;
  }

  public static java.util.Optional<Setting<?>> byKey(String key) {
    return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
  }
}
