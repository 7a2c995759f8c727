package org.samesong.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The servlet container's own error responses under {@code /api} in the uniform error body: the
 * refusals Jetty makes before the API sees a request (a request target it will not route, a request
 * line or headers it cannot read or that are too large) and errors of the servlet layer around
 * Jersey. Elsewhere (the web UI, the WebSocket path) the handler it replaces answers as before.
 *
 * <p>A request line Jetty cannot read at all (bad percent-encoding or an illegal character in the
 * target, a target too long to read, an unknown HTTP version) reaches the error handler as a
 * stand-in request, method {@code BAD} and path {@code /badMessage}, with nothing left of where it
 * was aimed. Such a refusal is answered as the API answers: the API is the part of the server whose
 * contract promises an error body, and a person in a browser learns no more from Jetty's page for a
 * malformed request line than from the JSON.
 *
 * <p>The message is the server's own short sentence, never the exception or its class. The
 * connection handling ({@code Connection: close} after a request Jetty could not read) stays as
 * Jetty decides it, and a HEAD gets the headers without a body.
 */
public class ApiErrorHandler extends ErrorHandler {
  private static final String PREFIX = "/api";
  private static final String STAND_IN_METHOD = "BAD";
  private static final String STAND_IN_PATH = "/badMessage";
  private static final String TARGET_NOT_VALID = "the request target is not valid: ";

  private final ObjectMapper json;
  private final Request.Handler others;

  /**
   * @param json writes the error body
   * @param others answers the errors of requests outside {@code /api}, as before
   */
  public ApiErrorHandler(ObjectMapper json, Request.Handler others) {
    this.json = json;
    this.others = others;
  }

  /**
   * Puts the handler in front of the server's error handler, and of each context's that keeps one
   * of its own, when the server starts (Dropwizard creates its error handler with the server, after
   * the application's {@code run}).
   */
  public static LifeCycle.Listener installer(ObjectMapper json, ContextHandler... contexts) {
    return new LifeCycle.Listener() {
      @Override
      public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
          server.setErrorHandler(new ApiErrorHandler(json, server.getErrorHandler()));
          for (ContextHandler context : contexts) {
            if (context.getErrorHandler() != null
                && !(context.getErrorHandler() instanceof ApiErrorHandler)) {
              context.setErrorHandler(new ApiErrorHandler(json, context.getErrorHandler()));
            }
          }
        }
      }
    };
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!isApi(request)) {
      return others.handle(request, response, callback);
    }
    int status = response.getStatus();
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException refusal) {
      status = refusal.getCode();
      response.setStatus(status);
    }
    if (HttpStatus.hasNoBody(status)) {
      callback.succeeded();
      return true;
    }
    generateCacheControl(response);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
    if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
      // an instance that is stopping: another one (or this one, restarted) answers a retry
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    if ("HEAD".equals(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    response.write(true, ByteBuffer.wrap(body(request, status)), callback);
    return true;
  }

  /**
   * Whether the request was aimed at the API: its path, with dot segments resolved as the server
   * routes it, is {@code /api} or under {@code /api/}; or Jetty could not read its request line.
   */
  private static boolean isApi(Request request) {
    if (isStandIn(request)) {
      return true;
    }
    // as it came (/api/%2e%2e/… is refused before routing, and was aimed at the API), or decoded
    // where it can be (Jetty routes /%61pi/… to the API too)
    String path = request.getHttpURI().getPath();
    if (underApi(path == null ? null : URIUtil.normalizePath(path))) {
      return true;
    }
    try {
      return underApi(request.getHttpURI().getCanonicalPath());
    } catch (RuntimeException e) {
      return false; // not decodable
    }
  }

  private static boolean underApi(String path) {
    return path != null && (path.equals(PREFIX) || path.startsWith(PREFIX + "/"));
  }

  /** Jetty's stand-in for a request whose request line it could not read. */
  private static boolean isStandIn(Request request) {
    return STAND_IN_METHOD.equals(request.getMethod())
        && STAND_IN_PATH.equals(request.getHttpURI().getPath());
  }

  private byte[] body(Request request, int status) throws JsonProcessingException {
    return json.writeValueAsBytes(
        ErrorBody.of(Errors.codeFor(status), message(request, status), null));
  }

  private static String message(Request request, int status) {
    return switch (status) {
      case 400 -> badRequest(request);
      case 408 -> "the request did not arrive in time";
      case 414 -> "the request target is too long";
      case 431 -> "the request headers are too large";
      case 505 -> "this HTTP version is not supported; send HTTP/1.1";
      default -> Errors.defaultMessage(status);
    };
  }

  private static String badRequest(Request request) {
    if (isStandIn(request)) {
      return "the request line cannot be read: bad percent-encoding or an illegal character in"
          + " the target, or a malformed method or version";
    }
    UriCompliance compliance =
        request.getConnectionMetaData().getHttpConfiguration().getUriCompliance();
    Set<String> why = new LinkedHashSet<>();
    for (UriCompliance.Violation violation : request.getHttpURI().getViolations()) {
      if (compliance.allows(violation)) {
        continue; // tolerated: not why the request was refused
      }
      why.add(
          switch (violation) {
            case AMBIGUOUS_PATH_SEPARATOR -> "an encoded slash (%2F) in the path is ambiguous";
            case AMBIGUOUS_PATH_SEGMENT -> "an encoded dot segment in the path is ambiguous";
            case AMBIGUOUS_PATH_PARAMETER -> "a parameter (;) on a dot segment is ambiguous";
            case AMBIGUOUS_EMPTY_SEGMENT -> "an empty segment in the path is ambiguous";
            case AMBIGUOUS_PATH_ENCODING -> "an encoded percent sign in the path is ambiguous";
            case BAD_PERCENT_ENCODING -> "bad percent-encoding";
            case BAD_UTF8_ENCODING, TRUNCATED_UTF8_ENCODING, UTF16_ENCODINGS ->
                "the path is not valid UTF-8";
            case SUSPICIOUS_PATH_CHARACTERS, ILLEGAL_PATH_CHARACTERS ->
                "the path holds a character that is not allowed (such as a backslash)";
            case USER_INFO -> "user information in the target is not allowed";
            case FRAGMENT -> "a fragment (#) in the target is not allowed";
            default -> "the path is not allowed";
          });
    }
    if (!why.isEmpty()) {
      return TARGET_NOT_VALID + String.join("; ", why);
    }
    return "the request is malformed and was refused before the API read it (e.g. a header line"
        + " or the Host header cannot be read)";
  }
}
