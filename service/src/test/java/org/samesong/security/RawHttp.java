package org.samesong.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests that well-behaved clients refuse to send: a request
 * target exactly as given (dot segments, encoded slashes, NUL, backslashes are neither normalised
 * nor re-encoded), a {@code Content-Length} that lies, a body sent more slowly than declared. One
 * request per connection ({@code Connection: close}).
 */
final class RawHttp {
  private static final int TIMEOUT_MS = 10_000;
  private static final int RESET_TRIES = 4;

  private RawHttp() {}

  /** A response as it came: status, headers (names in lower case) and the body (de-chunked). */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      String text = text();
      return status + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line) and then {@code body},
   * and reads the response.
   *
   * <p>A server that answers before reading the whole body and then closes leaves unread bytes in
   * its socket, so its kernel ends the connection with a reset, which can overtake the answer and
   * discard it on our side (RFC 9112 section 9.6). That is a property of TCP, not of the answer:
   * such a request is sent again, a few times at most, and only a reset on every try fails.
   */
  static Response exchange(int port, String head, byte[] body) {
    int tries = body == null || body.length == 0 ? 1 : RESET_TRIES;
    for (int attempt = 1; ; attempt++) {
      try {
        return exchangeOnce(port, head, body);
      } catch (SocketException e) {
        if (attempt >= tries || !isReset(e)) {
          throw new UncheckedIOException(
              "request to port " + port + " failed (try " + attempt + "): " + head, e);
        }
        System.out.printf("connection reset before the answer was read; sending again: %s%n", e);
      } catch (IOException e) {
        throw new UncheckedIOException("request to port " + port + " failed: " + head, e);
      }
    }
  }

  private static boolean isReset(SocketException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("reset") || message.contains("broken pipe");
  }

  private static Response exchangeOnce(int port, String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        try {
          out.write(body);
          out.flush();
        } catch (IOException e) {
          // the server answered and closed before reading everything: its answer is what counts
        }
      }
      return read(socket.getInputStream());
    }
  }

  /**
   * {@code method target} with an optional bearer token and JSON body; {@code target} goes on the
   * wire as it is (it must be ISO-8859-1, as a request line is).
   */
  static Response request(int port, String method, String target, String token, String body) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: localhost:").append(port).append("\r\n");
    head.append("Accept: application/json\r\n");
    head.append("Connection: close");
    if (token != null) {
      head.append("\r\nAuthorization: Bearer ").append(token);
    }
    byte[] bytes = null;
    if (body != null) {
      bytes = body.getBytes(StandardCharsets.UTF_8);
      head.append("\r\nContent-Type: application/json");
      head.append("\r\nContent-Length: ").append(bytes.length);
    }
    return exchange(port, head.toString(), bytes);
  }

  private static Response read(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.merge(
            l.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            l.substring(colon + 1).strip(),
            (a, b) -> a + ", " + b);
      }
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (String size = line(in); size != null; size = line(in)) {
        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (n == 0) {
          break;
        }
        all.write(in.readNBytes(n));
        line(in);
      }
      body = all.toByteArray();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = readToEnd(in);
    }
    return new Response(status, headers, body);
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // what came is what there is
    }
    return all.toByteArray();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
