package org.samesong.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP server on loopback that receives webhook POSTs: it keeps every request (headers and
 * body) and answers 200, or 500 for the first {@link #failNext} of them, or after a delay.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST as it arrived, and what it was answered. */
  public record Received(String body, String signature, String eventId, int answered) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String event() {
      return json().path("event").asText();
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile long delayMs;
  private volatile int status = 200;

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  public static WebhookReceiver start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (delayMs > 0) {
      try {
        Thread.sleep(delayMs); // on purpose: a slow receiver
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int answer = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : status;
    synchronized (received) {
      received.add(
          new Received(
              body,
              exchange.getRequestHeaders().getFirst("X-Samesong-Signature"),
              exchange.getRequestHeaders().getFirst("X-Samesong-Event-Id"),
              answer));
      received.notifyAll();
    }
    exchange.sendResponseHeaders(answer, -1);
    exchange.close();
  }

  /** Answers 500 to the next {@code n} requests. */
  public WebhookReceiver failNext(int n) {
    failures.set(n);
    return this;
  }

  /** Answers every request with {@code status} (after the failures asked for). */
  public WebhookReceiver answer(int status) {
    this.status = status;
    return this;
  }

  public WebhookReceiver delay(Duration delay) {
    this.delayMs = delay.toMillis();
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Waits until {@code n} requests match; returns all that match. */
  public List<Received> await(Predicate<Received> match, int n, Duration timeout) {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    synchronized (received) {
      while (true) {
        List<Received> matching = received.stream().filter(match).toList();
        long left = deadline - System.currentTimeMillis();
        if (matching.size() >= n || left <= 0) {
          if (matching.size() < n) {
            throw new AssertionError(
                "expected "
                    + n
                    + " matching webhook requests, got "
                    + matching.size()
                    + " of "
                    + received);
          }
          return matching;
        }
        try {
          received.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
