package org.samesong.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What a stream request carried on the wire, fetched with the JDK's HTTP client exactly as asked
 * (no token, no decompression, no header of its own beyond the defaults).
 */
public record Fetch(int status, HttpResponse<byte[]> raw) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code method} {@code url} with header name/value pairs. */
  public static Fetch of(String method, String url, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Fetch(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Fetch get(String url, String... headers) {
    return of("GET", url, headers);
  }

  public byte[] body() {
    return raw.body();
  }

  public String header(String name) {
    Optional<String> value = raw.headers().firstValue(name);
    return value.orElse(null);
  }

  /** Asserts the API's uniform error body with this status and code; returns the error object. */
  public JsonNode assertError(int wantStatus, String code) {
    String text = new String(body(), StandardCharsets.UTF_8);
    assertThat(status).as("status of %s", text).isEqualTo(wantStatus);
    assertThat(header("Content-Type")).as("type of %s", text).startsWith("application/json");
    try {
      JsonNode json = JSON.readTree(text);
      assertThat(json.path("error").path("code").asText()).as(text).isEqualTo(code);
      assertThat(json.path("error").path("message").asText()).as(text).isNotBlank();
      assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
      return json.path("error");
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Override
  public String toString() {
    return status + " " + raw.headers().map();
  }
}
