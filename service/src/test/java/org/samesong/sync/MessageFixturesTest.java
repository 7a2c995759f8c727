package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.samesong.catalog.api.TrackJson;
import org.samesong.common.Rights;
import org.samesong.playback.api.PlaybackJson;
import org.samesong.playlist.api.PlaylistItemJson;
import org.samesong.playlist.api.PlaylistJson;
import org.samesong.request.api.RequestJson;
import org.samesong.sync.api.ClientMessage;
import org.samesong.sync.api.ServerMessage;

/**
 * The wire format of every WebSocket message, both directions, against JSON fixtures in {@code
 * fixtures/ws/} written from SPEC.md section 5 (field names and shapes), with the application's
 * ObjectMapper. Server messages are serialised exactly as the broadcaster does ({@code
 * writerFor(ServerMessage.class)}) and compared as JSON trees; client fixtures must parse into the
 * right record with the right values.
 */
class MessageFixturesTest {
  private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
  private static final ObjectWriter WRITER = MAPPER.writerFor(ServerMessage.class);
  private static final ObjectReader READER = MAPPER.readerFor(ClientMessage.class);

  private static final long SERVER_TIME = 1_767_225_612_345L; // 2026-01-01T00:00:12.345Z
  private static final String SESSION = "5f0c6a53-3b0e-4d2a-9a57-0d3c1f1e2a10";
  private static final String HOST = "0b8e8b43-6a43-4b9e-8f5f-1d1c0f3c7a01";
  private static final String GUEST = "c3a1e6a2-2f4e-4c55-9d0e-8a7b6c5d4e02";
  private static final String GUEST_2 = "5f0d2c1b-8e7a-4b6c-9d3e-2a1b0c9d8e07";
  private static final String TRACK = "9d6f3e1c-7b2a-4c8d-a1e0-f2b3c4d5e603";
  private static final String TRACK_2 = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c04";
  private static final String ITEM = "7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a005";
  private static final String ITEM_2 = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e06";
  private static final String REQUEST = "4f5e6d7c-8b9a-4a0b-b1c2-d3e4f5a6b707";

  // --- server → client -------------------------------------------------------------------------

  static Stream<Arguments> serverMessages() {
    return Stream.of(
        Arguments.of("hello", hello(List.of(pendingRequest()))),
        Arguments.of("hello_guest", hello(null)),
        Arguments.of(
            "playback_state",
            new ServerMessage.PlaybackState(
                42,
                SERVER_TIME,
                TRACK,
                ITEM,
                12_000,
                "playing",
                "2026-01-01T00:00:00.345Z",
                75_000L)),
        Arguments.of(
            "playback_state_idle",
            new ServerMessage.PlaybackState(
                43, SERVER_TIME, null, null, 0, "paused", "2026-01-01T00:00:12.345Z", null)),
        Arguments.of(
            "playlist_update",
            new ServerMessage.PlaylistUpdate(44, SERVER_TIME, 2, null, addChange())),
        Arguments.of(
            "session_update",
            new ServerMessage.SessionUpdate(49, SERVER_TIME, GUEST, "knock", "Friday", "K7MPQ2")),
        Arguments.of(
            "knock", new ServerMessage.Knock(50, SERVER_TIME, REQUEST, "carol", "pending")),
        Arguments.of(
            "playlist_update_move",
            new ServerMessage.PlaylistUpdate(45, SERVER_TIME, 3, null, moveChange())),
        Arguments.of(
            "playlist_update_remove",
            new ServerMessage.PlaylistUpdate(46, SERVER_TIME, 4, null, removeChange())),
        Arguments.of(
            "playlist_update_resync",
            new ServerMessage.PlaylistUpdate(
                47, SERVER_TIME, 2, List.copyOf(playlist().items()), Map.of("op", "resync"))),
        Arguments.of(
            "request_update",
            new ServerMessage.RequestUpdate(
                45,
                SERVER_TIME,
                REQUEST,
                "pending",
                Map.of("track_id", TRACK_2),
                GUEST,
                null,
                pendingRequest())),
        Arguments.of(
            "request_update_denied",
            new ServerMessage.RequestUpdate(
                46,
                SERVER_TIME,
                REQUEST,
                "denied",
                Map.of("track_id", TRACK_2),
                GUEST,
                "not tonight",
                deniedRequest())),
        Arguments.of(
            "member_update",
            new ServerMessage.MemberUpdate(
                47,
                SERVER_TIME,
                List.of(
                    new ServerMessage.Member(GUEST, "bob", "guest", true, "playing", -3.5, 180)),
                List.of(GUEST_2),
                2)),
        Arguments.of(
            "member_update_drift",
            new ServerMessage.MemberUpdate(
                48,
                SERVER_TIME,
                List.of(
                    new ServerMessage.Member(
                        GUEST, "bob", "guest", true, "buffering", 12.25, null)),
                List.of(),
                2)),
        Arguments.of("pong", new ServerMessage.Pong(47, SERVER_TIME, 1_767_225_612_300.25)),
        Arguments.of("session_ended", new ServerMessage.SessionEnded(48, SERVER_TIME)),
        Arguments.of(
            "settings_update",
            new ServerMessage.SettingsUpdate(
                47,
                SERVER_TIME,
                orderedMap(
                    "dead_band_ms", 7,
                    "seek_threshold_ms", 150,
                    "max_rate_correction", 0.03,
                    "resync_interval_ms", 10_000))),
        Arguments.of(
            "error",
            new ServerMessage.Error(
                47, SERVER_TIME, "forbidden", "only the host can send this", "cmd-7")),
        Arguments.of(
            "error_without_ref",
            new ServerMessage.Error(47, SERVER_TIME, "malformed", "not a JSON object", null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serverMessages")
  void server_message_serialises_as_its_fixture(String fixture, ServerMessage message)
      throws IOException {
    JsonNode actual = MAPPER.readTree(WRITER.writeValueAsString(message));

    assertThat(actual).as("%s serialised", fixture).isEqualTo(fixture("server/" + fixture));
  }

  @Test
  void every_server_message_type_has_a_fixture_with_type_seq_and_server_time() {
    Set<String> fixtureTypes =
        serverMessages()
            .map(a -> fixture("server/" + a.get()[0]))
            .peek(
                json -> {
                  assertThat(json.path("seq").isIntegralNumber()).as("seq in %s", json).isTrue();
                  assertThat(json.path("server_time").isIntegralNumber())
                      .as("server_time in %s", json)
                      .isTrue();
                })
            .map(json -> json.path("type").asText())
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(fixtureTypes).isEqualTo(typeNames(ServerMessage.class));
    assertThat(fixtureTypes)
        .containsExactlyInAnyOrder(
            "hello",
            "playback_state",
            "playlist_update",
            "request_update",
            "member_update",
            "pong",
            "session_ended",
            "error",
            "session_update",
            "knock",
            // beyond SPEC section 5: the players' settings after a change (docs/protocol.md)
            "settings_update");
  }

  @Test
  void only_the_hosts_hello_carries_pending_requests() {
    assertThat(fixture("server/hello").has("pending_requests")).isTrue();
    assertThat(fixture("server/hello_guest").has("pending_requests")).isFalse();
  }

  // --- client → server -------------------------------------------------------------------------

  static Stream<Arguments> clientMessages() {
    return Stream.of(
        Arguments.of("ping", new ClientMessage.Ping(1_767_225_612_300.25)),
        Arguments.of("sync_ack", new ClientMessage.SyncAck(TRACK, 12_003.5, -1.75, "playing", 180)),
        Arguments.of("resync", new ClientMessage.Resync()),
        Arguments.of(
            "reauth",
            new ClientMessage.Reauth(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl", "reauth-3")),
        Arguments.of(
            "request_playlist_change",
            new ClientMessage.RequestPlaylistChange(
                "add", TRACK_2, null, null, 1, "for the road", "req-1")),
        Arguments.of(
            "request_playlist_change_move",
            new ClientMessage.RequestPlaylistChange("move", null, null, ITEM_2, 0, null, null)),
        Arguments.of(
            "playback_command", new ClientMessage.PlaybackCommand("seek", 30_000L, "cmd-7")),
        Arguments.of("approve_request", new ClientMessage.ApproveRequest(REQUEST, null)),
        Arguments.of(
            "deny_request", new ClientMessage.DenyRequest(REQUEST, "not tonight", "deny-1")),
        Arguments.of("admit_knock", new ClientMessage.AdmitKnock(REQUEST, null)),
        Arguments.of("refuse_knock", new ClientMessage.RefuseKnock(REQUEST, "k-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clientMessages")
  void client_fixture_parses_into_its_record(String fixture, ClientMessage expected)
      throws IOException {
    ClientMessage parsed = READER.readValue(fixture("client/" + fixture));

    assertThat(parsed).isInstanceOf(expected.getClass()).isEqualTo(expected);
  }

  @Test
  void every_client_message_type_has_a_fixture() {
    Set<String> fixtureTypes =
        clientMessages()
            .map(a -> fixture("client/" + a.get()[0]).path("type").asText())
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(fixtureTypes).isEqualTo(typeNames(ClientMessage.class));
    assertThat(fixtureTypes)
        .containsExactlyInAnyOrder(
            "ping",
            "sync_ack",
            "request_playlist_change",
            "playback_command",
            "approve_request",
            "deny_request",
            "resync",
            "reauth",
            "admit_knock",
            "refuse_knock");
  }

  @Test
  void messages_of_the_host_need_a_right_and_the_others_do_not() throws IOException {
    for (Arguments a : clientMessages().toList()) {
      ClientMessage parsed = READER.readValue(fixture("client/" + a.get()[0]));
      boolean hostMessage =
          Set.of(
                  "playback_command",
                  "approve_request",
                  "deny_request",
                  "admit_knock",
                  "refuse_knock")
              .contains(fixture("client/" + a.get()[0]).path("type").asText());
      assertThat(parsed.requiredRight() != null)
          .as("requiredRight of %s", a.get()[0])
          .isEqualTo(hostMessage);
    }
  }

  @Test
  void ref_is_the_clients_reference_for_errors() throws IOException {
    ClientMessage command = READER.readValue(fixture("client/playback_command"));

    assertThat(command.ref()).isEqualTo("cmd-7");
    assertThat(((ClientMessage) READER.readValue(fixture("client/ping"))).ref()).isNull();
  }

  @Test
  void a_ref_on_a_message_without_one_and_unknown_fields_are_ignored() throws IOException {
    ClientMessage ping =
        READER.readValue("{\"type\":\"ping\",\"client_time\":5,\"ref\":\"p-1\",\"extra\":true}");

    assertThat(ping).isEqualTo(new ClientMessage.Ping(5.0));
  }

  @Test
  void unknown_type_fails_with_invalid_type_id_naming_it() {
    assertThatThrownBy(() -> READER.readValue("{\"type\":\"dance\",\"client_time\":1}"))
        .isInstanceOfSatisfying(
            InvalidTypeIdException.class, e -> assertThat(e.getTypeId()).isEqualTo("dance"));
  }

  @Test
  void missing_type_fails_with_invalid_type_id_without_one() {
    assertThatThrownBy(() -> READER.readValue("{\"client_time\":1}"))
        .isInstanceOfSatisfying(
            InvalidTypeIdException.class, e -> assertThat(e.getTypeId()).isNull());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{\"type\":\"ping\",", "not json at all", "{\"type\":'ping'}", "{type:\"ping\"}"})
  void malformed_json_fails_with_a_parse_exception(String text) {
    assertThatThrownBy(() -> READER.readValue(text)).isInstanceOf(JsonParseException.class);
  }

  @Test
  void a_field_of_the_wrong_type_fails_with_a_mismatch_naming_the_field() {
    assertThatThrownBy(() -> READER.readValue("{\"type\":\"ping\",\"client_time\":\"soon\"}"))
        .isInstanceOfSatisfying(
            MismatchedInputException.class,
            e ->
                assertThat(e.getPath())
                    .extracting(r -> r.getFieldName())
                    .containsExactly("client_time"));
    assertThatThrownBy(
            () -> READER.readValue("{\"type\":\"approve_request\",\"request_id\":{\"id\":1}}"))
        .isInstanceOfSatisfying(
            MismatchedInputException.class,
            e ->
                assertThat(e.getPath())
                    .extracting(r -> r.getFieldName())
                    .containsExactly("request_id"));
  }

  @Test
  void a_json_value_that_is_not_an_object_fails_with_a_mismatch() {
    assertThatThrownBy(() -> READER.readValue("[{\"type\":\"ping\"}]"))
        .isInstanceOf(MismatchedInputException.class);
    assertThatThrownBy(() -> READER.readValue("42")).isInstanceOf(MismatchedInputException.class);
  }

  // --- the values in the fixtures --------------------------------------------------------------

  private static ServerMessage.Hello hello(List<Object> pending) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("dead_band_ms", 2);
    settings.put("seek_threshold_ms", 150);
    settings.put("max_rate_correction", 0.02);
    settings.put("resync_interval_ms", 10_000);
    return new ServerMessage.Hello(
        41,
        SERVER_TIME,
        pending == null ? GUEST : HOST,
        pending == null ? "guest" : "host",
        (pending == null ? Rights.GUEST_RIGHTS : Rights.HOST_RIGHTS).json(),
        new PlaybackJson(TRACK, ITEM, 12_000, "playing", "2026-01-01T00:00:00.345Z", 75_000L),
        playlist(),
        members(),
        2,
        pending,
        null,
        settings);
  }

  private static PlaylistJson playlist() {
    return new PlaylistJson(
        2,
        List.of(
            new PlaylistItemJson(
                ITEM, 0, track(TRACK, "Morning Tram", 75_000), HOST, "alice", 1_767_225_600_000L),
            new PlaylistItemJson(
                ITEM_2,
                1,
                track(TRACK_2, "Copper Lanterns", 90_000),
                GUEST,
                "bob",
                1_767_225_605_000L)));
  }

  private static TrackJson track(String id, String title, long durationMs) {
    return new TrackJson(
        id,
        title,
        "The Placeholder Trio",
        "Samesong Demo",
        durationMs,
        "library",
        "audio/wav",
        "/api/tracks/" + id + "/stream?exp=1767226512&sig=abc");
  }

  private static Map<String, Object> addChange() {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("op", "add");
    change.put("item_id", ITEM_2);
    change.put("position", 1);
    change.put("track_id", TRACK_2);
    change.put("track", track(TRACK_2, "Copper Lanterns", 90_000));
    change.put("added_by", GUEST);
    change.put("added_by_name", "bob");
    change.put("added_at", 1_767_225_605_000L);
    return change;
  }

  private static Map<String, Object> moveChange() {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("op", "move");
    change.put("item_id", ITEM_2);
    change.put("position", 0);
    change.put("from", 1);
    return change;
  }

  private static Map<String, Object> removeChange() {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("op", "remove");
    change.put("item_id", ITEM);
    change.put("position", null);
    change.put("from", 1);
    return change;
  }

  private static List<ServerMessage.Member> members() {
    return List.of(
        new ServerMessage.Member(HOST, "alice", "host", true, "playing", null, null),
        new ServerMessage.Member(GUEST, "bob", "guest", true, "playing", -3.5, null));
  }

  private static RequestJson pendingRequest() {
    return new RequestJson(
        REQUEST,
        SESSION,
        "add",
        Map.of("track_id", TRACK_2),
        "for the road",
        "pending",
        null,
        GUEST,
        "bob",
        1_767_225_610_000L,
        null,
        null);
  }

  private static RequestJson deniedRequest() {
    return new RequestJson(
        REQUEST,
        SESSION,
        "add",
        Map.of("track_id", TRACK_2),
        "for the road",
        "denied",
        "not tonight",
        GUEST,
        "bob",
        1_767_225_610_000L,
        SERVER_TIME,
        HOST);
  }

  private static Set<String> typeNames(Class<?> family) {
    com.fasterxml.jackson.annotation.JsonSubTypes subTypes =
        family.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    Set<String> names =
        Arrays.stream(subTypes.value())
            .map(t -> t.name())
            .collect(Collectors.toCollection(TreeSet::new));
    // the explicit list must name every member of the sealed family (Jackson 2 does not discover
    // them)
    Set<Class<?>> listed =
        Arrays.stream(subTypes.value()).map(t -> t.value()).collect(Collectors.toSet());
    Set<Class<?>> permitted = Set.of(family.getPermittedSubclasses());
    assertThat(listed).as("@JsonSubTypes of %s", family.getSimpleName()).isEqualTo(permitted);
    return names;
  }

  static JsonNode fixture(String name) {
    String path = "/fixtures/ws/" + name + ".json";
    try (InputStream in = MessageFixturesTest.class.getResourceAsStream(path)) {
      assertThat(in).as("fixture %s", path).isNotNull();
      return MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> orderedMap(Object... keysAndValues) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
