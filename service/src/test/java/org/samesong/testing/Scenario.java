package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST steps that set a session up for a test (WebSocket tests, system tests), each asserting
 * it worked.
 */
public final class Scenario {
  private Scenario() {}

  /** A session as its host sees it after {@code POST /api/sessions}. */
  public record Host(
      String sessionId, String code, String token, String refreshToken, String memberId) {}

  /** A guest after {@code POST /api/sessions/{code}/join}. */
  public record Guest(String name, String memberId, String token, String refreshToken) {}

  public static Host createSession(Api api, String userToken) {
    return createSession(api, userToken, "ws test");
  }

  public static Host createSession(Api api, String userToken, String name) {
    Reply reply = api.post("sessions", Map.of("name", name), userToken);
    assertThat(reply.status()).as("create session: %s", reply).isEqualTo(201);
    return new Host(
        reply.text("id"),
        reply.text("code"),
        reply.text("host_token"),
        reply.text("refresh_token"),
        reply.json().at("/session/members/0/member_id").asText());
  }

  public static Guest join(Api api, Host host, String name) {
    Reply reply = api.post("sessions/" + host.code() + "/join", Map.of("display_name", name), null);
    assertThat(reply.status()).as("join as %s: %s", name, reply).isEqualTo(200);
    return new Guest(
        name, reply.text("member_id"), reply.text("token"), reply.text("refresh_token"));
  }

  /** The demo catalog's tracks (at least two). */
  public static List<JsonNode> tracks(Api api, String token) {
    Reply reply = api.get("catalog/tracks?limit=50", token);
    assertThat(reply.status()).as("catalog: %s", reply).isEqualTo(200);
    List<JsonNode> tracks = new ArrayList<>();
    reply.json().path("items").forEach(tracks::add);
    assertThat(tracks).as("demo tracks").hasSizeGreaterThanOrEqualTo(2);
    return tracks;
  }

  /** The host adds a track ({@code 201}); returns the new item. */
  public static JsonNode addTrack(Api api, Host host, String trackId) {
    Reply reply =
        api.post(
            "sessions/" + host.sessionId() + "/playlist",
            Map.of("track_id", trackId),
            host.token());
    assertThat(reply.status()).as("add %s: %s", trackId, reply).isEqualTo(201);
    return reply.json();
  }

  /** A host command over REST; returns the new playback state. */
  public static JsonNode playback(Api api, Host host, String action, Long positionMs) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("action", action);
    if (positionMs != null) {
      body.put("position_ms", positionMs);
    }
    Reply reply = api.post("sessions/" + host.sessionId() + "/playback", body, host.token());
    assertThat(reply.status()).as("%s: %s", action, reply).isEqualTo(200);
    return reply.json();
  }

  /** A guest's request over REST ({@code 201}); returns it. */
  public static JsonNode request(Api api, Host host, Guest guest, String trackId) {
    Reply reply =
        api.post(
            "sessions/" + host.sessionId() + "/requests",
            Map.of("action", "add", "track_id", trackId, "note", "please"),
            guest.token());
    assertThat(reply.status()).as("request by %s: %s", guest.name(), reply).isEqualTo(201);
    return reply.json();
  }

  /** {@code GET /api/sessions/{id}}. */
  public static JsonNode session(Api api, Host host) {
    Reply reply = api.get("sessions/" + host.sessionId(), host.token());
    assertThat(reply.status()).as("session: %s", reply).isEqualTo(200);
    return reply.json();
  }

  /** The session's requests of one status, as the host sees them. */
  public static List<JsonNode> requests(Api api, Host host, String status) {
    Reply reply =
        api.get("sessions/" + host.sessionId() + "/requests?status=" + status, host.token());
    assertThat(reply.status()).as("requests: %s", reply).isEqualTo(200);
    List<JsonNode> list = new ArrayList<>();
    reply.json().path("requests").forEach(list::add);
    return list;
  }

  /** A member's entry in a {@code members} array. */
  public static JsonNode member(JsonNode members, String memberId) {
    for (JsonNode m : members) {
      if (memberId.equals(m.path("member_id").asText())) {
        return m;
      }
    }
    return null;
  }

  /**
   * The entry of a member in a {@code member_update} (which names only the members that changed),
   * or a missing node.
   */
  public static JsonNode changed(JsonNode update, String memberId) {
    JsonNode m = member(update.path("members"), memberId);
    return m == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : m;
  }

  /** Whether a {@code member_update} names the member with that connected flag. */
  public static boolean says(JsonNode update, String memberId, boolean connected) {
    JsonNode m = member(update.path("members"), memberId);
    return m != null && m.path("connected").asBoolean() == connected;
  }

  /** Whether a {@code member_update} says the member left the session. */
  public static boolean saysLeft(JsonNode update, String memberId) {
    for (JsonNode id : update.path("left")) {
      if (memberId.equals(id.asText())) {
        return true;
      }
    }
    return false;
  }
}
