package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A real WebSocket client of {@code /ws/sessions/{id}} (the JDK's {@link WebSocket}): every text
 * message it receives is parsed and queued in arrival order, the close code and reason are kept,
 * and tests wait for what they expect with generous timeouts ({@link #awaitType}).
 *
 * <p>Waiting for one type skips the messages of other types without losing them: a later wait finds
 * them. {@link #received()} keeps everything in arrival order, for checks across messages (such as
 * {@code seq}).
 */
public final class WsClient implements AutoCloseable {
  /** How long a test waits for what should come. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How the server closed the connection ({@code code} -1: it broke without a close frame). */
  public record Close(int code, String reason) {}

  private final String label;
  private final BlockingQueue<JsonNode> arrivals = new LinkedBlockingQueue<>();
  private final LinkedList<JsonNode> skipped = new LinkedList<>();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private volatile WebSocket ws;

  private WsClient(String label) {
    this.label = label;
  }

  /** Connects to a session's WebSocket with a token (null: no token parameter at all). */
  public static WsClient connect(int port, String sessionId, String token) {
    String query =
        token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    return connect(URI.create("ws://localhost:" + port + "/ws/sessions/" + sessionId + query));
  }

  public static WsClient connect(URI uri) {
    return connect(uri, HTTP, Map.of());
  }

  /** Connects with extra handshake headers (e.g. a {@code Cookie} or an {@code Origin}). */
  public static WsClient connect(URI uri, Map<String, String> headers) {
    return connect(uri, HTTP, headers);
  }

  /**
   * Connects to a {@code wss://} URI (e.g. through a TLS proxy) trusting what {@code ssl} trusts;
   * the host name is checked against the certificate, as browsers do.
   */
  public static WsClient connect(URI uri, SSLContext ssl) {
    return connect(
        uri, HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(ssl).build(), Map.of());
  }

  /** Connects and waits for {@code hello}; returns it. */
  public static Connected connectOk(URI uri, SSLContext ssl) {
    WsClient client = connect(uri, ssl);
    return new Connected(client, client.awaitType("hello"));
  }

  private static WsClient connect(URI uri, HttpClient http, Map<String, String> headers) {
    WsClient client = new WsClient(uri.getPath());
    try {
      WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
      headers.forEach(builder::header);
      client.ws =
          builder
              .buildAsync(uri, client.new Listener())
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the WebSocket handshake with " + uri.getPath() + " failed", e);
    }
    return client;
  }

  /** Connects and waits for {@code hello}; returns it. */
  public static Connected connectOk(int port, String sessionId, String token) {
    WsClient client = connect(port, sessionId, token);
    return new Connected(client, client.awaitType("hello"));
  }

  /** A client and the {@code hello} it got. */
  public record Connected(WsClient client, JsonNode hello) {}

  // --- sending ---------------------------------------------------------------------------------

  /** Sends a text message as it is (one at a time: the JDK client refuses overlapping sends). */
  public synchronized void sendText(String text) {
    try {
      ws.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("sending to " + label + " failed: " + e.getCause(), e);
    }
  }

  /** Sends one fragment of a text message ({@code last}: the message ends with it). */
  public synchronized void sendFragment(String text, boolean last) {
    await(ws.sendText(text, last), "sending a fragment");
  }

  /** Sends a binary message. */
  public synchronized void sendBinary(java.nio.ByteBuffer bytes) {
    await(ws.sendBinary(bytes, true), "sending binary data");
  }

  private void await(CompletableFuture<WebSocket> sent, String what) {
    try {
      sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(what + " to " + label + " failed: " + e.getCause(), e);
    }
  }

  /** Sends a message built from a map (as JSON). */
  public void send(Map<String, ?> message) {
    try {
      sendText(JSON.writeValueAsString(message));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Sends {@code ping} and returns the {@code pong} that answers it. */
  public JsonNode ping(double clientTime) {
    send(Map.of("type", "ping", "client_time", clientTime));
    return awaitMessage(
        m ->
            "pong".equals(m.path("type").asText())
                && m.path("client_time").asDouble() == clientTime,
        TIMEOUT,
        "pong to " + clientTime);
  }

  /**
   * A round trip through the server: once the {@code pong} is back, every message this client sent
   * before has been handled (a connection's messages are handled in order).
   */
  public void roundTrip() {
    ping(System.nanoTime());
  }

  // --- receiving -------------------------------------------------------------------------------

  public JsonNode awaitType(String type) {
    return awaitType(type, TIMEOUT);
  }

  /** The next message of {@code type} not yet taken by another wait. */
  public JsonNode awaitType(String type, Duration timeout) {
    return awaitMessage(
        m -> type.equals(m.path("type").asText()), timeout, "a " + type + " message");
  }

  /** The next message of {@code type} that also satisfies {@code condition}. */
  public JsonNode awaitType(String type, Predicate<JsonNode> condition, String what) {
    return awaitMessage(
        m -> type.equals(m.path("type").asText()) && condition.test(m), TIMEOUT, type + " " + what);
  }

  /** The next message (not yet taken by another wait) that matches. */
  public JsonNode awaitMessage(Predicate<JsonNode> matches, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (skipped) {
      for (Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
        JsonNode m = it.next();
        if (matches.test(m)) {
          it.remove();
          return m;
        }
      }
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          JsonNode m = left <= 0 ? null : arrivals.poll(left, TimeUnit.NANOSECONDS);
          if (m == null) {
            throw new AssertionError(
                label
                    + ": no "
                    + what
                    + " within "
                    + timeout.toMillis()
                    + " ms; received "
                    + received
                    + (closed.isDone() ? "; closed " + closed.getNow(null) : ""));
          }
          if (matches.test(m)) {
            return m;
          }
          skipped.add(m);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Everything received so far, in arrival order. */
  public List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** The received messages of one type, in arrival order. */
  public List<JsonNode> received(String type) {
    List<JsonNode> of = new ArrayList<>();
    for (JsonNode m : received) {
      if (type.equals(m.path("type").asText())) {
        of.add(m);
      }
    }
    return of;
  }

  /** Forgets what is waiting (not {@link #received()}), so later waits see only what comes next. */
  public void drain() {
    synchronized (skipped) {
      skipped.clear();
      arrivals.clear();
    }
  }

  public Close awaitClose() {
    return awaitClose(TIMEOUT);
  }

  /** The server's close (code and reason), waiting for it. */
  public Close awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(
          label + ": not closed within " + timeout.toMillis() + " ms; received " + received, e);
    }
  }

  /** Asserts the server closed the connection with this code (within the timeout). */
  public Close assertClosedWith(int code) {
    Close close = awaitClose();
    assertThat(close.code()).as("close code of %s (%s)", label, close).isEqualTo(code);
    return close;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    WebSocket socket = ws;
    if (socket != null && !closed.isDone()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(1, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing anyway
      }
    }
    if (socket != null) {
      socket.abort();
    }
  }

  @Override
  public String toString() {
    return label;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        JsonNode message;
        try {
          message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
          message = JSON.getNodeFactory().objectNode().put("type", "<not json>").put("text", text);
        }
        received.add(message);
        arrivals.add(message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Close(-1, String.valueOf(error)));
    }
  }
}
