package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.session.SessionFixtures;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Bodies that cannot be decoded, as the outside review sent them: a {@code Content-Encoding: gzip}
 * body that is no gzip (or is cut short) was a 500, and so could a body that is not UTF-8. Each is
 * a 400 in the error body now and changes nothing. And an answer given before the body was read (a
 * 401 to a request without a token) on a kept-alive connection says {@code Connection: close} when
 * the server closes it, so the client's next request does not fail on a dead connection.
 */
class UndecodableBodyIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static RawHttp.Response post(String path, String token, String encoding, byte[] body) {
    StringBuilder head = new StringBuilder();
    head.append("POST /api/").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: localhost:").append(APP.getLocalPort()).append("\r\n");
    head.append("Connection: close\r\n");
    head.append("Content-Type: application/json\r\n");
    if (encoding != null) {
      head.append("Content-Encoding: ").append(encoding).append("\r\n");
    }
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length);
    return RawHttp.exchange(APP.getLocalPort(), head.toString(), body);
  }

  private static void assert400(RawHttp.Response r, String what) throws IOException {
    assertThat(r.status()).as("%s: %s", what, r).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).as(what).isNotEmpty();
    assertThat(error.path("message").asText()).as(what).isNotEmpty().doesNotContain("Exception");
  }

  @Test
  void a_body_that_is_not_gzip_or_is_cut_short_is_400_and_creates_nothing() throws Exception {
    String user = SessionFixtures.of(APP).userToken();
    long before = sessionsOf(user);
    byte[] good = gzip("{\"name\":\"gzip party\"}");

    assert400(
        post("sessions", user, "gzip", "this is no gzip".getBytes(StandardCharsets.UTF_8)),
        "not gzip");
    assert400(post("sessions", user, "gzip", Arrays.copyOf(good, good.length / 2)), "cut short");
    assert400(
        post("auth/login", null, "gzip", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5}),
        "a gzip header and nothing else");
    RawHttp.Response deflate =
        post("sessions", user, "br", "{\"name\":\"br\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(deflate.status()).as("a coding the server cannot read: %s", deflate).isEqualTo(415);
    assertThat(JSON.readTree(deflate.body()).at("/error/code").asText())
        .isEqualTo("unsupported_encoding");

    assertThat(post("sessions", user, "gzip", good).status())
        .as("a good gzip body is taken")
        .isEqualTo(201);
    assertThat(sessionsOf(user)).isEqualTo(before + 1);
  }

  @Test
  void a_body_that_is_not_utf_8_is_400() throws Exception {
    String user = SessionFixtures.of(APP).userToken();
    byte[] latin1 = "{\"name\":\"caf\u00e9 \u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    byte[] lone = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};

    assert400(post("sessions", user, null, latin1), "Latin-1");
    assert400(post("sessions", user, null, lone), "a broken sequence");
  }

  @Test
  void a_body_with_a_key_twice_is_400_and_creates_nothing() throws Exception {
    String user = SessionFixtures.of(APP).userToken();
    long before = sessionsOf(user);

    assert400(
        post(
            "sessions",
            user,
            null,
            "{\"name\":\"a\",\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8)),
        "a key twice");

    assertThat(sessionsOf(user)).isEqualTo(before);
  }

  @Test
  void an_early_401_on_a_kept_alive_connection_closes_it_with_connection_close_or_keeps_it_working()
      throws Exception {
    byte[] body = ("{\"name\":\"" + "x".repeat(900_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("localhost", APP.getLocalPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        throw new AssertionError(
            "the server dropped the connection while the body (within the size limit) was sent", e);
      }
      String first = head(in);
      assertThat(first).startsWith("HTTP/1.1 401");

      boolean saysClose = first.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
      if (!saysClose) {
        skipBody(in, first);
        out.write(
            "GET /api/time HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        assertThat(head(in))
            .as("a connection kept open without Connection: close must serve the next request")
            .startsWith("HTTP/1.1 200");
      }
    }
  }

  private static long sessionsOf(String user) {
    return APP.database()
        .jdbi()
        .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Long.class).one());
  }

  /** The status line and headers, up to the blank line. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      bytes.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static void skipBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).strip()));
        return;
      }
    }
    throw new AssertionError("the answer has no Content-Length: " + head);
  }
}
