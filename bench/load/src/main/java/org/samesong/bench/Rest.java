package org.samesong.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The server's REST API as the benchmarks call it: JSON requests with a bearer token, answers as a
 * status and a JSON body, the admin's login. Every request asks for JSON ({@code Accept}); a body
 * is sent as JSON, and a request other than a GET without one sends {@code {}}.
 */
final class Rest {
  /** Request bodies, answers and result files. */
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An answer: its status and JSON body (null when empty or not JSON), or status -1 and the
   * failure's name when the exchange itself failed.
   */
  record Result(int status, JsonNode body, String failure) {
    /** The body (a missing node when empty) when the status is {@code expected}; a {@link SetupException} saying what failed otherwise. */
    JsonNode expect(int expected, String what) {
      if (status != expected) {
        throw new SetupException(what + ": expected " + expected + ", got " + (status < 0 ? failure : status + " " + body));
      }
      return body == null ? MissingNode.getInstance() : body;
    }
  }

  /** The server did not answer the set-up of a run as it should. */
  static final class SetupException extends RuntimeException {
    SetupException(String message) {
      super(message);
    }
  }

  private final HttpClient client;
  private final URI base;
  private final Duration timeout;
  private final ObjectWriter bodies;

  /** Requests to {@code base} through {@code client}, each given {@code timeout} (null: none). */
  Rest(HttpClient client, String base, Duration timeout) {
    this(client, URI.create(base), timeout, JSON.writer());
  }

  private Rest(HttpClient client, URI base, Duration timeout, ObjectWriter bodies) {
    this.client = client;
    this.base = base;
    this.timeout = timeout;
    this.bodies = bodies;
  }

  /** An HTTP/1.1 client that does not follow redirects. */
  static HttpClient http11(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * The same, with the bodies indented: LoadGenerator has always sent its bodies so (its mapper
   * indented the result file too), and its requests are what it measures.
   */
  Rest withIndentedBodies() {
    return new Rest(client, base, timeout, JSON.writerWithDefaultPrettyPrinter());
  }

  HttpClient client() {
    return client;
  }

  /** {@code path} is absolute ({@code /api/...}), with its query. */
  HttpRequest request(String method, String path, String token, Object body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "application/json");
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body == null && method.equals("GET")) {
      return b.GET().build();
    }
    byte[] json;
    try {
      json = body == null ? "{}".getBytes(StandardCharsets.UTF_8) : bodies.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + body, e);
    }
    return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(json)).build();
  }

  /** The raw answer (SearchBench times exactly this, and reads the body afterwards). */
  HttpResponse<byte[]> send(String method, String path, String token, Object body) throws IOException, InterruptedException {
    return client.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Never throws: a failed exchange is status -1. */
  Result call(String method, String path, String token, Object body) {
    try {
      return result(send(method, path, token, body));
    } catch (IOException e) {
      return new Result(-1, null, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, null, "interrupted");
    }
  }

  /** Completes exceptionally only when the exchange itself failed. */
  CompletableFuture<Result> callAsync(String method, String path, String token, Object body) {
    return client.sendAsync(request(method, path, token, body), HttpResponse.BodyHandlers.ofByteArray()).thenApply(Rest::result);
  }

  /** The body of an answer that must have {@code status}; a {@link SetupException} otherwise. */
  JsonNode expect(String method, String path, String token, Object body, int status) {
    return call(method, path, token, body).expect(status, method + " " + path);
  }

  /** The admin's access token. */
  String login(String user, String password) {
    return call("POST", "/api/auth/login", null, Map.of("username", user, "password", password))
        .expect(200, "admin login")
        .path("access_token")
        .asText();
  }

  private static Result result(HttpResponse<byte[]> response) {
    JsonNode json = null;
    byte[] bytes = response.body();
    if (bytes != null && bytes.length > 0) {
      try {
        json = JSON.readTree(bytes);
      } catch (IOException e) {
        json = null;
      }
    }
    return new Result(response.statusCode(), json, null);
  }

  /** A result file: indented JSON. */
  static void writeJson(Path file, Object value) {
    try {
      Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
