package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.client.RequestEntityProcessing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.sync.ws.SyncEndpoint;
import org.samesong.testing.Reply;
import org.samesong.testing.Scrape;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Bodies and WebSocket messages over the limits. Every POST, PATCH and PUT endpoint (enumerated
 * from the resource model) answers a body over {@code maxRequestBytes} (1 MiB) with 413 {@code
 * payload_too_large} and changes nothing, whether the length is declared, chunked, or declared far
 * larger than what follows; a length that understates the body ends the request where it says. Each
 * oversized body is a valid request padded with blanks, so only its size can be the reason. A
 * WebSocket message over 16 KiB closes that connection with 1009, as the protocol documents, and a
 * binary message gets an {@code error} like any malformed one; the server stays healthy and the
 * other members' connections are not disturbed.
 *
 * <p>The basic 413 cases (declared and chunked, on one endpoint each) are in {@code ApiErrorsIT}.
 */
class OversizedIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final int LIMIT = 1_048_576;
  private static final Set<String> WITH_BODY = Set.of("POST", "PATCH", "PUT");
  private static Exemplars exemplars;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void world() {
    exemplars = new Exemplars(APP);
  }

  @AfterAll
  static void close() {
    exemplars.close();
  }

  @BeforeEach
  void newMinute() {
    APP.clock().advance(Duration.ofMinutes(1));
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  private List<Endpoint> endpointsWithBodies() {
    List<Endpoint> list =
        Endpoints.of(APP).stream().filter(e -> WITH_BODY.contains(e.method())).toList();
    assertThat(list).as("POST, PATCH and PUT endpoints").hasSizeGreaterThan(10);
    return list;
  }

  /** The call's own JSON (or {@code {}}), padded with blanks to {@code size} bytes. */
  private static byte[] padded(Call call, int size) {
    String json = call.body() == null ? "{}" : call.body();
    String open = json.substring(0, json.length() - 1);
    int pad = size - open.length() - 1;
    return (open + " ".repeat(pad) + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static Invocation.Builder request(Call call) {
    return APP.request(call.path(), call.token());
  }

  @Test
  void every_body_over_the_limit_is_413_with_the_error_body_and_changes_nothing() {
    for (Endpoint e : endpointsWithBodies()) {
      Call call = exemplars.valid(e);
      String before = call.state().get();

      // declared: refused before the body is sent (a careful client waits for 100 Continue)
      Reply declared =
          Reply.of(
              request(call)
                  .property(
                      ClientProperties.REQUEST_ENTITY_PROCESSING, RequestEntityProcessing.BUFFERED)
                  .header("Expect", "100-continue")
                  .method(
                      e.method(),
                      Entity.entity(padded(call, LIMIT + 1), MediaType.APPLICATION_JSON_TYPE)));
      assertError(declared, 413, "payload_too_large");
      assertThat(declared.header("Connection")).isEqualToIgnoringCase("close");

      // chunked: no length to judge by, so the count while reading decides
      Reply chunked =
          Reply.of(
              request(call)
                  .property(
                      ClientProperties.REQUEST_ENTITY_PROCESSING, RequestEntityProcessing.CHUNKED)
                  .method(
                      e.method(),
                      Entity.entity(
                          new ByteArrayInputStream(padded(call, LIMIT + 64 * 1024)),
                          MediaType.APPLICATION_JSON_TYPE)));
      assertError(chunked, 413, "payload_too_large");

      // declared far larger than what follows: answered at once, without waiting for the rest
      RawHttp.Response lying =
          RawHttp.exchange(
              APP.getLocalPort(),
              head(call, "Content-Length: " + 50 * LIMIT),
              "{\"a\":".getBytes(StandardCharsets.UTF_8));
      assertThat(lying.status()).as("%s declaring 50 MiB: %s", call, lying).isEqualTo(413);
      assertThat(Refusals.errorShape(lying.header("content-type"), lying.text())).isNull();

      assertThat(call.state().get()).as("%s after the oversized bodies", call).isEqualTo(before);
    }
    assertThat(APP.get("time", null).status()).as("the server after them all").isEqualTo(200);
  }

  @Test
  void a_length_that_understates_the_body_ends_the_request_where_it_says_without_a_server_error() {
    for (Endpoint e : endpointsWithBodies()) {
      if (!e.takesBody()) {
        continue;
      }
      Call call = exemplars.valid(e);
      String before = call.state().get();
      byte[] body = padded(call, 2 * LIMIT);

      // the first 8 bytes are the whole body as far as HTTP goes: cut JSON, refused; what follows
      // is no request at all and ends the connection
      RawHttp.Response response =
          RawHttp.exchange(APP.getLocalPort(), head(call, "Content-Length: 8"), body);

      assertThat(response.status())
          .as("%s with 8 of %d bytes declared", call, body.length)
          .isEqualTo(400);
      assertThat(Refusals.errorShape(response.header("content-type"), response.text())).isNull();
      assertThat(call.state().get()).isEqualTo(before);
    }
    assertThat(APP.get("time", null).status()).isEqualTo(200);
  }

  private static String head(Call call, String lengthHeader) {
    return call.method()
        + " /api"
        + call.path()
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + (call.token() == null ? "" : "Authorization: Bearer " + call.token() + "\r\n")
        + lengthHeader;
  }

  // --- WebSocket -------------------------------------------------------------------------------

  private WsClient connect(Host host, String token) {
    WsClient client = WsClient.connect(APP.getLocalPort(), host.sessionId(), token);
    clients.add(client);
    client.awaitType("hello");
    return client;
  }

  /** Sends; the server may close the connection before the client has written everything. */
  private static void sendUntilClosed(WsClient client, String text) {
    try {
      client.sendText(text);
    } catch (IllegalStateException closedWhileSending) {
      // what counts is how the server closed it
    }
  }

  private static double closes1009() {
    return Scrape.of(APP.getAdminPort()).value("samesong_websocket_closes_total", "code", "1009");
  }

  /**
   * The server closed {@code client}'s connection with 1009 (message too big): the client reads
   * that code, unless it was still sending the oversized message when the server closed, and the
   * reset that followed took the close frame with it (-1); the server's own count of 1009 closes
   * says what it did either way.
   */
  private static void assertClosedTooBig(WsClient client, double closesBefore, String what) {
    assertThat(client.awaitClose().code()).as(what).isIn(1009, -1);
    assertThat(
            Scrape.until(
                    APP.getAdminPort(),
                    s -> s.value("samesong_websocket_closes_total", "code", "1009") > closesBefore)
                .value("samesong_websocket_closes_total", "code", "1009"))
        .as("%s: the server's 1009 closes", what)
        .isEqualTo(closesBefore + 1);
  }

  /** A ping padded with blanks to exactly {@code size} bytes. */
  private static String ping(int size, long clientTime) {
    String open = "{\"type\":\"ping\",\"client_time\":" + clientTime;
    return open + " ".repeat(size - open.length() - 1) + "}";
  }

  @Test
  void a_websocket_message_over_16_kib_closes_that_connection_1009_and_binary_ones_are_refused() {
    SessionFixtures fx = exemplars.fixtures();
    Host host = fx.newSession();
    fx.addItem(host, fx.track(0));
    Guest bystander = fx.guest(host);
    Guest attacker = fx.guest(host);
    WsClient hostWs = connect(host, host.token());
    WsClient bystanderWs = connect(host, bystander.token());

    // at the limit: served
    WsClient atLimit = connect(host, attacker.token());
    atLimit.sendText(ping(SyncEndpoint.MAX_MESSAGE_BYTES, 16));
    assertThat(atLimit.awaitType("pong").path("client_time").asLong()).isEqualTo(16);

    // one byte over, in one frame
    WsClient oneOver = connect(host, attacker.token());
    oneOver.sendText(ping(SyncEndpoint.MAX_MESSAGE_BYTES + 1, 1));
    assertThat(oneOver.awaitClose().code()).as("one byte over").isEqualTo(1009);

    // a megabyte in one frame
    WsClient huge = connect(host, attacker.token());
    double tooBig = closes1009();
    sendUntilClosed(huge, ping(1 << 20, 2));
    assertClosedTooBig(huge, tooBig, "a megabyte");

    // fragments that are small alone and too large together
    WsClient fragments = connect(host, attacker.token());
    double tooBigBefore = closes1009();
    String whole = ping(3 * SyncEndpoint.MAX_MESSAGE_BYTES, 3);
    int third = whole.length() / 3;
    try {
      // two thirds are already twice the limit: the server closes there; a third fragment sent
      // into the closing connection could reset it before its close frame is read
      fragments.sendFragment(whole.substring(0, third), false);
      fragments.sendFragment(whole.substring(third, 2 * third), false);
    } catch (IllegalStateException closedWhileSending) {
      // the server may close as soon as the fragments so far pass the limit
    }
    assertClosedTooBig(fragments, tooBigBefore, "fragments");

    // binary messages are no part of the protocol: refused like any malformed message (they count
    // against the flood limit like text)
    WsClient binary = connect(host, attacker.token());
    binary.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    JsonNode refused = binary.awaitType("error");
    assertThat(refused.path("code").asText()).isEqualTo("malformed");
    assertThat(binary.ping(5).path("client_time").asLong()).as("still open").isEqualTo(5);
    for (int i = 0; i < 100 && !binary.isClosed(); i++) {
      try {
        binary.sendBinary(ByteBuffer.wrap(new byte[16 * 1024]));
      } catch (IllegalStateException closedWhileSending) {
        break;
      }
    }
    assertThat(binary.awaitClose().code()).as("a binary flood").isEqualTo(4429);

    // the others stay and keep hearing the session
    assertThat(hostWs.isClosed()).isFalse();
    assertThat(bystanderWs.isClosed()).isFalse();
    assertThat(fx.command(host, "play").status()).isEqualTo(200);
    for (WsClient ws : List.of(hostWs, bystanderWs)) {
      JsonNode playing =
          ws.awaitType("playback_state", m -> "playing".equals(m.path("state").asText()), "play");
      assertThat(playing.path("track_id").asText()).isEqualTo(fx.track(0).id());
      assertThat(ws.ping(42).path("client_time").asLong()).isEqualTo(42);
      assertThat(ws.received("error")).as("errors on a connection that sent nothing bad").isEmpty();
    }
    // and the one that sent too much may come back
    WsClient back = connect(host, attacker.token());
    assertThat(back.ping(7).path("client_time").asLong()).isEqualTo(7);
  }
}
