package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;
import org.samesong.testing.Scenario;
import org.samesong.testing.Scenario.Guest;
import org.samesong.testing.Scenario.Host;

/**
 * A listening session told through the REST API, each step asserting it worked: what the fault
 * tests build before they break something, and the snapshot they compare after.
 */
final class Story {
  private Story() {}

  /** The demo catalog's track ids (three at least). */
  static List<String> trackIds(Api api, Host host) {
    List<String> ids =
        Scenario.tracks(api, host.token()).stream().map(t -> t.path("id").asText()).toList();
    assertThat(ids).as("demo tracks").hasSizeGreaterThanOrEqualTo(3);
    return ids;
  }

  /** The host adds a track; returns the new item's id. */
  static String addTrack(Api api, Host host, String trackId) {
    return Scenario.addTrack(api, host, trackId).path("item_id").asText();
  }

  /** A guest's request; returns its id. */
  static String request(Api api, Host host, Guest guest, Map<String, Object> change) {
    Reply reply = api.post("sessions/" + host.sessionId() + "/requests", change, guest.token());
    assertThat(reply.status()).as("request by %s: %s", guest.name(), reply).isEqualTo(201);
    return reply.text("request_id");
  }

  static void approve(Api api, Host host, String requestId) {
    Reply reply = api.post("requests/" + requestId + "/approve", Map.of(), host.token());
    assertThat(reply.status()).as("approve: %s", reply).isEqualTo(200);
  }

  static void deny(Api api, Host host, String requestId, String reason) {
    Reply reply =
        api.post("requests/" + requestId + "/deny", Map.of("reason", reason), host.token());
    assertThat(reply.status()).as("deny: %s", reply).isEqualTo(200);
  }

  /**
   * What a member can read of a session: its metadata and members, the playlist (without the signed
   * stream URLs, which expire and so differ between two reads) and every request.
   */
  record Snapshot(JsonNode session, JsonNode playlist, JsonNode requests) {
    JsonNode playback() {
      return session.path("playback_state");
    }

    /**
     * The session without what moves on its own: the playback position (time) and the members'
     * presence and drift (who is connected right now).
     */
    JsonNode sessionAtRest() {
      ObjectNode copy = session.deepCopy();
      copy.remove("playback_state");
      copy.path("members").forEach(m -> ((ObjectNode) m).remove(List.of("connected", "drift_ms")));
      return copy;
    }
  }

  static Snapshot snapshot(Api api, Host host) {
    Reply session = api.get("sessions/" + host.sessionId(), host.token());
    assertThat(session.status()).as("session: %s", session).isEqualTo(200);
    Reply playlist = api.get("sessions/" + host.sessionId() + "/playlist", host.token());
    assertThat(playlist.status()).as("playlist: %s", playlist).isEqualTo(200);
    Reply requests = api.get("sessions/" + host.sessionId() + "/requests", host.token());
    assertThat(requests.status()).as("requests: %s", requests).isEqualTo(200);
    return new Snapshot(session.json(), withoutStreamUrls(playlist.json()), requests.json());
  }

  static JsonNode withoutStreamUrls(JsonNode playlist) {
    JsonNode copy = playlist.deepCopy();
    copy.path("items").forEach(item -> ((ObjectNode) item.path("track")).remove("stream_url"));
    return copy;
  }

  /** The position a playback state gives for {@code atMs}: position_ms + (at - updated_at). */
  static long expectedPosition(JsonNode state, long atMs) {
    long position = state.path("position_ms").asLong();
    if (!"playing".equals(state.path("state").asText())) {
      return position;
    }
    return position + (atMs - Instant.parse(state.path("updated_at").asText()).toEpochMilli());
  }
}
