package org.samesong.media.url;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.samesong.media.WavFile;
import org.samesong.media.demo.Synth;

/**
 * A real HTTP origin for URL tracks on 127.0.0.1 (the JDK's HTTP server): a generated WAV with
 * single-range support, a web page, redirects, an error, a file that claims to be huge, a chunked
 * body without a length, and a switch that makes every answer a 500. It records the requests it
 * received (path and {@code Range}), so tests can check what reached it.
 */
public final class TestOrigin implements AutoCloseable {
  /** Title and artist tags of the WAV. */
  public static final String TITLE = "Origin Test Tone";

  public static final String ARTIST = "The Local Origin";

  /** Length of the WAV: 2 s. */
  public static final long DURATION_MS = 2000;

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** One request as the origin saw it. */
  public record Seen(String method, String path, String range) {}

  private final HttpServer server;
  private final byte[] wav;
  private final byte[] silentWav;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean();

  private TestOrigin(HttpServer server, byte[] wav, byte[] silentWav) {
    this.server = server;
    this.wav = wav;
    this.silentWav = silentWav;
  }

  /** Starts an origin on a free port of 127.0.0.1. */
  public static TestOrigin start() {
    try {
      byte[] wav = wav(Math.toIntExact(DURATION_MS * Synth.RATE / 1000), TITLE, ARTIST);
      byte[] empty = wav(0, "Nothing", "Nobody");
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TestOrigin origin = new TestOrigin(server, wav, empty);
      server.createContext("/", origin::handle);
      server.setExecutor(
          Executors.newFixedThreadPool(
              8,
              r -> {
                Thread t = new Thread(r, "test-origin");
                t.setDaemon(true);
                return t;
              }));
      server.start();
      return origin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A mono 16-bit WAV of a 440 Hz tone with title and artist tags. */
  public static byte[] wav(int samples, String title, String artist) throws IOException {
    short[] pcm = new short[samples];
    for (int i = 0; i < samples; i++) {
      pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / Synth.RATE));
    }
    Path file = Files.createTempFile("origin-", ".wav");
    try {
      WavFile.write(file, pcm, Synth.RATE, Map.of("INAM", title, "IART", artist));
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** The WAV it serves at {@code /song.wav}. */
  public byte[] wav() {
    return wav.clone();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** From now on every answer is a 500 (true) or as usual (false). */
  public void failing(boolean fail) {
    failing.set(fail);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      String range = exchange.getRequestHeaders().getFirst("Range");
      seen.add(new Seen(exchange.getRequestMethod(), path, range));
      if (failing.get()) {
        send(exchange, 500, "text/plain", "broken".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (path) {
        case "/song.wav", "/Some_Song.wav" -> sendRanged(exchange, "audio/wav", wav, range);
        case "/typeless" -> sendRanged(exchange, null, wav, range);
        case "/silence.wav" -> send(exchange, 200, "audio/wav", silentWav);
        case "/page.html" ->
            send(
                exchange,
                200,
                "text/html; charset=utf-8",
                "<!doctype html><title>Not audio</title><p>Hello</p>"
                    .getBytes(StandardCharsets.UTF_8));
        case "/noise.bin" -> send(exchange, 200, "application/octet-stream", new byte[4096]);
        case "/missing.mp3" -> send(exchange, 404, "text/plain", "gone".getBytes());
        case "/redirect" -> {
          String to = "/";
          for (String pair : query.split("&")) {
            if (pair.startsWith("to=")) {
              to = java.net.URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8);
            }
          }
          exchange.getResponseHeaders().add("Location", to);
          send(exchange, 302, "text/plain", new byte[0]);
        }
        case "/loop" -> {
          exchange.getResponseHeaders().add("Location", "/loop");
          send(exchange, 301, "text/plain", new byte[0]);
        }
        case "/huge.mp3" -> {
          // claims 80 MiB; a client that believes it never reads the body
          exchange.getResponseHeaders().add("Content-Type", "audio/mpeg");
          exchange.sendResponseHeaders(200, 80L << 20);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(new byte[8192]);
          } catch (IOException e) {
            // the client hung up, as it should
          }
        }
        case "/chunked.wav" -> {
          exchange.getResponseHeaders().add("Content-Type", "audio/wav");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(wav);
          } catch (IOException e) {
            // the client hung up
          }
        }
        default -> send(exchange, 404, "text/plain", "no such thing".getBytes());
      }
    }
  }

  private static void sendRanged(HttpExchange exchange, String type, byte[] body, String range)
      throws IOException {
    exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
    if (type != null) {
      exchange.getResponseHeaders().add("Content-Type", type);
    }
    if (range != null) {
      Matcher m = RANGE.matcher(range);
      if (m.matches()) {
        long first;
        long last;
        if (m.group(1).isEmpty()) {
          first = body.length - Long.parseLong(m.group(2));
          last = body.length - 1;
        } else {
          first = Long.parseLong(m.group(1));
          last = m.group(2).isEmpty() ? body.length - 1 : Long.parseLong(m.group(2));
        }
        if (first >= body.length) {
          exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
          exchange.sendResponseHeaders(416, -1);
          return;
        }
        last = Math.min(last, body.length - 1);
        exchange
            .getResponseHeaders()
            .add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
        byte[] part = java.util.Arrays.copyOfRange(body, (int) first, (int) last + 1);
        send(exchange, 206, null, part);
        return;
      }
    }
    send(exchange, 200, null, body);
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    if (type != null) {
      exchange.getResponseHeaders().add("Content-Type", type);
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    if (head) {
      exchange.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
