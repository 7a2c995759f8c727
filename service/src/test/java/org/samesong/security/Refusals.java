package org.samesong.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a refusal of hostile input must look like on the wire, checked without throwing. */
final class Refusals {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Refusals of the API a hostile path value may get (403: a stream signature that differs). */
  static final Set<Integer> API_REFUSALS = Set.of(400, 403, 404, 405);

  /**
   * Refusals of the servlet container, before the application sees the request: a request target it
   * will not route (400: ambiguous or illegal encodings, 414, 431). Under {@code /api} they carry
   * the API's error body like its own refusals. For a target whose dot segments lead out of {@code
   * /api}, the container says that it has nothing there (404, or 501 for a method such as PATCH
   * that plain servlets do not implement), in its own way.
   */
  static final Set<Integer> CONTAINER_REFUSALS = Set.of(400, 414, 431);

  static final Set<Integer> OUTSIDE_API = Set.of(400, 404, 405, 501);

  private Refusals() {}

  /**
   * Null when {@code response} refuses {@code target} cleanly, else what is wrong: never a 2xx or a
   * 5xx, never a stack trace or a file's content; under {@code /api}, a refusal of the API or of
   * the container in the uniform error body.
   */
  static String problem(RawHttp.Response response, String method, String target) {
    String leak = leak(response.text());
    if (leak != null) {
      return leak + ": " + response;
    }
    int status = response.status();
    if (leavesApi(target)) {
      return OUTSIDE_API.contains(status) ? null : "status " + response;
    }
    if (!API_REFUSALS.contains(status) && !CONTAINER_REFUSALS.contains(status)) {
      return "status " + response;
    }
    String shape = errorShape(method, response);
    return shape == null ? null : shape + ": " + response;
  }

  /**
   * Null when a refusal of a request under {@code /api} is in the error body; for HEAD, which gets
   * no body, when it says the body would be JSON.
   */
  static String errorShape(String method, RawHttp.Response response) {
    String type = response.header("content-type");
    if ("HEAD".equals(method)) {
      return type != null && type.startsWith("application/json")
          ? null
          : "content type " + type + " instead of JSON";
    }
    return errorShape(type, response.text());
  }

  /** Whether the target's dot segments, resolved as a server does, lead out of {@code /api/}. */
  static boolean leavesApi(String target) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    java.util.Deque<String> segments = new java.util.ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.equals(".") && !segment.isEmpty()) {
        segments.addLast(segment);
      }
    }
    return !"api".equals(segments.peekFirst());
  }

  /** What in {@code text} looks like a stack trace or a system file; null when nothing. */
  static String leak(String text) {
    if (text.contains("Exception")
        || text.contains("\tat ")
        || text.contains("at org.")
        || text.contains("at java.")
        || text.contains(".java:")) {
      return "a stack trace";
    }
    if (text.contains("root:x:0:0") || text.contains("[fonts]")) {
      return "a system file";
    }
    return null;
  }

  /** Null when the body is the API's error JSON; else what is wrong with it. */
  static String errorShape(String contentType, String body) {
    if (contentType == null || !contentType.startsWith("application/json")) {
      return "content type " + contentType + " instead of the error JSON";
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (Exception e) {
      return "a body that is not JSON";
    }
    return errorShape(json);
  }

  /** Null when {@code json} is {@code {"error": {"code", "message", "field"?}}}. */
  static String errorShape(JsonNode json) {
    if (json == null || !json.isObject() || json.size() != 1 || !json.has("error")) {
      return "not the error shape";
    }
    JsonNode error = json.get("error");
    List<String> names = new ArrayList<>();
    error.fieldNames().forEachRemaining(names::add);
    if (!error.path("code").isTextual()
        || error.path("code").asText().isBlank()
        || !error.path("message").isTextual()
        || error.path("message").asText().isBlank()
        || !Set.of("code", "message", "field").containsAll(names)) {
      return "not the error shape";
    }
    return null;
  }
}
