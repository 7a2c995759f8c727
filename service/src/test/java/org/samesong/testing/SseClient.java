package org.samesong.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Server-Sent Events client over the JDK's HttpClient: parses the stream as the format says
 * (fields {@code id}, {@code event}, {@code data}; an empty line ends an event; comment lines start
 * with a colon) on a thread of its own, and hands the events over in order.
 */
public final class SseClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One event: {@code id} null when it had none. */
  public record Event(String id, String event, String data) {
    public JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + data, e);
      }
    }

    public long seq() {
      return Long.parseLong(id);
    }
  }

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean ended;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    if (response.statusCode() == 200) {
      reader.start();
    } else {
      ended = true;
    }
  }

  /** Opens {@code GET url} with a bearer token, and {@code Last-Event-ID} when not null. */
  public static SseClient open(URI url, String token, String lastEventId, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url).header("Accept", "text/event-stream").GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The body of a response that is not a stream (an error). */
  public String errorBody() {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, event == null ? "message" : event, data.toString()));
          }
          id = null;
          event = null;
          data = null;
        } else if (!line.startsWith(":")) {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" ->
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {}
          }
        }
      }
    } catch (IOException e) {
      // closed by us or by the server
    } finally {
      ended = true;
    }
  }

  /** The next event, or fails after {@code timeout}. */
  public Event next(Duration timeout) {
    try {
      Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError(
            "no event within " + timeout + (ended ? " (the stream ended)" : ""));
      }
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Events up to and including the first that matches; fails after {@code timeout}. */
  public List<Event> until(Predicate<Event> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Event> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching event within " + timeout + "; saw " + seen);
      }
      Event e;
      try {
        e = events.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
      if (e != null) {
        seen.add(e);
        if (match.test(e)) {
          return seen;
        }
      }
    }
  }

  /** Whether the server ended the stream within {@code timeout}. */
  public boolean endsWithin(Duration timeout) {
    try {
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ended;
  }

  /** The events received and not taken yet. */
  public List<Event> drain() {
    List<Event> rest = new ArrayList<>();
    events.drainTo(rest);
    return rest;
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // gone already
    }
    reader.interrupt();
  }
}
