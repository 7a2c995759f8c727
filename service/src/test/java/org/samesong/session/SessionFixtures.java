package org.samesong.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * What the session-domain tests (sessions, playlist, requests, playback) set up over HTTP: an
 * account that hosts, sessions, guests, playlist items. One per {@link TestServer}, prepared on
 * first use: it raises the limits that tests sharing a server would otherwise spend for each other
 * (joins per IP, guest requests) and the access-token lifetime (so that tests may move the clock by
 * minutes), and logs in once. A test that lowers a limit calls {@link #relax()} when it is done.
 */
public final class SessionFixtures {
  /** Settings under which tests sharing one server do not disturb each other. */
  public static final Map<String, Object> ROOMY = roomy();

  private static final Map<TestServer, SessionFixtures> BY_SERVER = new ConcurrentHashMap<>();

  private final TestServer app;
  private final String admin;
  private final String user;
  private final List<Track> tracks;

  /** A session as its host holds it. */
  public record Host(String sessionId, String code, String token, String memberId, Reply created) {}

  /** A guest who joined a session. */
  public record Guest(String sessionId, String memberId, String token, String name, Reply joined) {}

  /** A catalog track as the tests need it. */
  public record Track(String id, String title, long durationMs) {}

  private SessionFixtures(TestServer app) {
    this.app = app;
    String firstAdmin = app.adminToken();
    app.setSettings(firstAdmin, ROOMY);
    // a new token lives as long as ROOMY says
    this.admin = app.adminToken();
    String name = TestServer.uniqueName("host");
    app.createUser(admin, name, name + "-password-Tq8vZw", null);
    this.user = app.loginOk(name, name + "-password-Tq8vZw").text("access_token");
    this.tracks = readCatalog();
  }

  /** The fixtures of a running server, prepared on first use. */
  public static SessionFixtures of(TestServer app) {
    return BY_SERVER.computeIfAbsent(app, SessionFixtures::new);
  }

  private static Map<String, Object> roomy() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("access_token_ttl_s", 86_400);
    m.put("joins_per_ip_per_minute", 1_000_000);
    m.put("guest_request_burst", 100_000);
    m.put("guest_requests_per_minute", 100_000);
    m.put("session_requests_per_minute", 1_000_000);
    m.put("max_guests_per_session", 200);
    return java.util.Collections.unmodifiableMap(m);
  }

  public TestServer app() {
    return app;
  }

  /** An admin's access token. */
  public String adminToken() {
    return admin;
  }

  /** An access token of a plain account (role {@code user}) that creates the sessions. */
  public String userToken() {
    return user;
  }

  /** Changes settings (as the admin) for one test; undo with {@link #relax()}. */
  public void settings(Map<String, Object> changes) {
    app.setSettings(admin, changes);
  }

  /** Back to {@link #ROOMY} after a test that lowered a limit. */
  public void relax() {
    app.setSettings(admin, ROOMY);
  }

  /** The demo catalog, at least two tracks, as {@code GET /api/catalog/tracks} lists it. */
  public List<Track> tracks() {
    return tracks;
  }

  public Track track(int index) {
    return tracks.get(index);
  }

  private List<Track> readCatalog() {
    Reply reply = app.get("catalog/tracks?limit=100", user);
    assertThat(reply.status()).as("catalog: %s", reply).isEqualTo(200);
    List<Track> list = new ArrayList<>();
    for (JsonNode t : reply.json().path("items")) {
      list.add(
          new Track(
              t.path("id").asText(), t.path("title").asText(), t.path("duration_ms").asLong()));
    }
    assertThat(list).as("the demo catalog").hasSizeGreaterThanOrEqualTo(2);
    return List.copyOf(list);
  }

  // --- sessions and members ------------------------------------------------------------------

  /** Creates a session as the fixture's account and asserts it worked. */
  public Host newSession() {
    Reply reply = app.post("sessions", Map.of("name", TestServer.uniqueName("party")), user);
    assertThat(reply.status()).as("creating a session: %s", reply).isEqualTo(201);
    return new Host(
        reply.text("id"),
        reply.text("code"),
        reply.text("host_token"),
        reply.text("member_id"),
        reply);
  }

  public Reply join(String code, String displayName) {
    return app.post("sessions/" + code + "/join", Map.of("display_name", displayName), null);
  }

  /** Joins the session as a guest of that name and asserts it worked. */
  public Guest join(Host host, String displayName) {
    Reply reply = join(host.code(), displayName);
    assertThat(reply.status()).as("joining as %s: %s", displayName, reply).isEqualTo(200);
    return new Guest(
        reply.text("session_id"), reply.text("member_id"), reply.text("token"), displayName, reply);
  }

  /** Joins as a guest with a name of its own. */
  public Guest guest(Host host) {
    return join(host, TestServer.uniqueName("guest"));
  }

  /** {@code GET /api/sessions/{id}} as that token, asserting 200. */
  public JsonNode session(String sessionId, String token) {
    Reply reply = app.get("sessions/" + sessionId, token);
    assertThat(reply.status()).as("reading session %s: %s", sessionId, reply).isEqualTo(200);
    return reply.json();
  }

  public JsonNode session(Host host) {
    return session(host.sessionId(), host.token());
  }

  // --- playlist --------------------------------------------------------------------------------

  /** {@code GET /api/sessions/{id}/playlist} as the host, asserting 200. */
  public JsonNode playlist(Host host) {
    Reply reply = app.get("sessions/" + host.sessionId() + "/playlist", host.token());
    assertThat(reply.status()).as("reading the playlist: %s", reply).isEqualTo(200);
    return reply.json();
  }

  /** The item ids of the playlist in order. */
  public List<String> itemIds(Host host) {
    return itemIds(playlist(host));
  }

  public static List<String> itemIds(JsonNode playlist) {
    List<String> ids = new ArrayList<>();
    playlist.path("items").forEach(i -> ids.add(i.path("item_id").asText()));
    return ids;
  }

  public long version(Host host) {
    return playlist(host).path("version").asLong();
  }

  /** The host appends a track; returns the new item's id. */
  public String addItem(Host host, Track track) {
    Reply reply =
        app.post(
            "sessions/" + host.sessionId() + "/playlist",
            Map.of("track_id", track.id()),
            host.token());
    assertThat(reply.status()).as("adding %s: %s", track, reply).isEqualTo(201);
    return reply.text("item_id");
  }

  /** The host appends the catalog's first {@code n} tracks (cycling); returns the item ids. */
  public List<String> addItems(Host host, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(addItem(host, tracks.get(i % tracks.size())));
    }
    return ids;
  }

  // --- requests ----------------------------------------------------------------------------------

  public Reply fileRequest(Guest guest, Map<String, Object> body) {
    return app.post("sessions/" + guest.sessionId() + "/requests", body, guest.token());
  }

  /** A guest asks to add a track; asserts 201 and returns the request id. */
  public String requestAdd(Guest guest, Track track) {
    Reply reply = fileRequest(guest, Map.of("action", "add", "track_id", track.id()));
    assertThat(reply.status()).as("requesting to add: %s", reply).isEqualTo(201);
    return reply.text("request_id");
  }

  /** A guest asks to remove an item; asserts 201 and returns the request id. */
  public String requestRemove(Guest guest, String itemId) {
    Reply reply = fileRequest(guest, Map.of("action", "remove", "item_id", itemId));
    assertThat(reply.status()).as("requesting to remove: %s", reply).isEqualTo(201);
    return reply.text("request_id");
  }

  /** A guest asks to move an item; asserts 201 and returns the request id. */
  public String requestMove(Guest guest, String itemId, int position) {
    Reply reply =
        fileRequest(guest, Map.of("action", "move", "item_id", itemId, "position", position));
    assertThat(reply.status()).as("requesting to move: %s", reply).isEqualTo(201);
    return reply.text("request_id");
  }

  /** The requests as that token sees them ({@code status} may be null). */
  public JsonNode requests(String sessionId, String token, String status) {
    String path =
        "sessions/" + sessionId + "/requests" + (status == null ? "" : "?status=" + status);
    Reply reply = app.get(path, token);
    assertThat(reply.status()).as("listing requests: %s", reply).isEqualTo(200);
    return reply.json().path("requests");
  }

  /** Request id → status, in the order listed. */
  public static Map<String, String> statuses(JsonNode requests) {
    Map<String, String> m = new LinkedHashMap<>();
    requests.forEach(r -> m.put(r.path("request_id").asText(), r.path("status").asText()));
    return m;
  }

  public Reply approve(String requestId, String hostToken) {
    return app.post("requests/" + requestId + "/approve", Map.of(), hostToken);
  }

  public Reply deny(String requestId, String hostToken, String reason) {
    return app.post(
        "requests/" + requestId + "/deny",
        reason == null ? Map.of() : Map.of("reason", reason),
        hostToken);
  }

  // --- playback ----------------------------------------------------------------------------------

  public Reply command(Host host, String action) {
    return app.post(
        "sessions/" + host.sessionId() + "/playback", Map.of("action", action), host.token());
  }

  public Reply command(Host host, String action, long positionMs) {
    return app.post(
        "sessions/" + host.sessionId() + "/playback",
        Map.of("action", action, "position_ms", positionMs),
        host.token());
  }

  /** {@code playback_state} of the session view. */
  public JsonNode playback(Host host) {
    return session(host).path("playback_state");
  }

  /** A well-formed id that names nothing. */
  public static String unknownId() {
    return UUID.randomUUID().toString();
  }
}
