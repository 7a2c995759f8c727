package org.samesong.media.url;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.samesong.common.ApiException;

/**
 * Talks to the origins of URL tracks: one shared HTTP client whose every connection goes through
 * {@link UrlGuard} (the check runs on the addresses the connection really uses), redirects followed
 * by hand up to {@value #MAX_REDIRECTS} hops with each hop's URL checked again, connect and read
 * timeouts of a few seconds, no automatic decompression (ranges must mean bytes of the file).
 * Bodies are streamed, never held whole.
 */
public final class OriginClient implements AutoCloseable {
  /** Redirect hops followed before giving up. */
  public static final int MAX_REDIRECTS = 5;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final UrlGuard guard;
  private HttpClient client;

  public OriginClient(UrlGuard guard) {
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /** Why a request to an origin failed. */
  public enum Failure {
    /** The host (or a redirect's) resolves to an address the guard refuses. */
    REFUSED,
    /** No answer: unknown host, refused or timed-out connection, broken TLS. */
    UNREACHABLE,
    /** An answer, but not one we can use (an error status, too many or bad redirects). */
    BAD_ANSWER
  }

  /** A failed request, with a message for the person who added the URL. */
  public static final class OriginException extends Exception {
    private final Failure failure;

    OriginException(Failure failure, String message, Throwable cause) {
      super(message, cause, false, false);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  /**
   * An origin's answer whose headers have arrived; its body is read from {@link #body()}. Closing
   * it before the end aborts the transfer.
   */
  public record Answer(URI url, int status, Map<String, String> headers, InputStream body)
      implements AutoCloseable {
    /** A header's value, or null. Names are compared ignoring case. */
    public String header(String name) {
      for (Map.Entry<String, String> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }

    /** The {@code Content-Length}, or -1 when absent or not a number. */
    public long contentLength() {
      String value = header("Content-Length");
      try {
        return value == null ? -1 : Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // aborting a transfer: nothing left to do
      }
    }
  }

  /**
   * Checks that the URL's host may be contacted, without contacting it.
   *
   * @throws OriginException {@link Failure#REFUSED} or {@link Failure#UNREACHABLE} (unknown host)
   */
  public void check(URI url) throws OriginException {
    try {
      guard.resolve(RemoteUrl.host(url), RemoteUrl.port(url));
    } catch (UrlGuard.RefusedAddressException e) {
      throw new OriginException(Failure.REFUSED, e.getMessage(), null);
    } catch (java.net.UnknownHostException e) {
      throw new OriginException(
          Failure.UNREACHABLE, "the host " + url.getHost() + " is unknown", null);
    }
  }

  /**
   * Sends {@code GET} or {@code HEAD} with the given request headers, following redirects by hand.
   * Any final status is returned (the caller decides what it accepts); only redirects are handled
   * here.
   *
   * @param headers request headers to send (e.g. {@code Range}); null values are skipped
   */
  public Answer open(URI url, String method, Map<String, String> headers) throws OriginException {
    URI current = url;
    for (int hop = 0; ; hop++) {
      check(current);
      Answer answer = send(current, method, headers);
      int status = answer.status();
      if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
        return answer;
      }
      answer.close();
      String location = answer.header("Location");
      if (location == null || location.isBlank()) {
        throw new OriginException(
            Failure.BAD_ANSWER, "the origin answered " + status + " without a Location", null);
      }
      if (hop + 1 > MAX_REDIRECTS) {
        throw new OriginException(
            Failure.BAD_ANSWER, "the origin redirects more than " + MAX_REDIRECTS + " times", null);
      }
      try {
        current = RemoteUrl.resolve(current, location);
      } catch (ApiException e) {
        throw new OriginException(Failure.BAD_ANSWER, "the origin " + e.getMessage(), null);
      }
    }
  }

  private Answer send(URI url, String method, Map<String, String> headers) throws OriginException {
    Request request =
        client()
            .newRequest(url)
            .method(method)
            .idleTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .headers(
                h -> {
                  h.put(HttpHeader.ACCEPT, "audio/*, application/ogg;q=0.9, */*;q=0.5");
                  headers.forEach(
                      (name, value) -> {
                        if (value != null) {
                          h.put(name, value);
                        }
                      });
                });
    InputStreamResponseListener listener = new InputStreamResponseListener();
    request.send(listener);
    Response response;
    try {
      response =
          listener.get(CONNECT_TIMEOUT.toMillis() + READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request.abort(e);
      throw new OriginException(Failure.UNREACHABLE, "interrupted", e);
    } catch (TimeoutException e) {
      request.abort(e);
      throw new OriginException(
          Failure.UNREACHABLE, "the origin " + url.getHost() + " did not answer in time", e);
    } catch (ExecutionException e) {
      throw failure(url, e.getCause());
    }
    Map<String, String> answerHeaders = new java.util.LinkedHashMap<>();
    for (HttpField field : response.getHeaders()) {
      answerHeaders.merge(field.getName(), field.getValue(), (a, b) -> a + ", " + b);
    }
    return new Answer(url, response.getStatus(), answerHeaders, listener.getInputStream());
  }

  private static OriginException failure(URI url, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UrlGuard.RefusedAddressException refused) {
        return new OriginException(Failure.REFUSED, refused.getMessage(), null);
      }
      if (t instanceof java.net.UnknownHostException) {
        return new OriginException(
            Failure.UNREACHABLE, "the host " + url.getHost() + " is unknown", null);
      }
      if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
        return new OriginException(
            Failure.UNREACHABLE, "the origin " + url.getHost() + " did not answer in time", null);
      }
      if (t instanceof java.net.ConnectException) {
        return new OriginException(
            Failure.UNREACHABLE, "the origin " + url.getHost() + " refused the connection", null);
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return new OriginException(
            Failure.UNREACHABLE,
            "no secure connection to " + url.getHost() + " (" + t.getMessage() + ")",
            null);
      }
    }
    String why = cause == null || cause.getMessage() == null ? "no answer" : cause.getMessage();
    return new OriginException(
        Failure.UNREACHABLE, "the origin " + url.getHost() + " failed: " + why, cause);
  }

  /** The shared client, started on first use (most installations never add a URL track). */
  private synchronized HttpClient client() throws OriginException {
    if (client != null) {
      return client;
    }
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("origin-client");
    threads.setDaemon(true);
    HttpClient c = new HttpClient();
    c.setExecutor(threads);
    c.setScheduler(new ScheduledExecutorScheduler("origin-client-scheduler", true));
    c.setFollowRedirects(false);
    c.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
    c.setIdleTimeout(READ_TIMEOUT.toMillis());
    c.setMaxConnectionsPerDestination(256);
    c.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Samesong"));
    c.getContentDecoderFactories().clear();
    c.getProtocolHandlers().clear();
    SocketAddressResolver dns = new SocketAddressResolver.Async(threads, c.getScheduler(), 5_000);
    c.setSocketAddressResolver(
        (host, port, context, promise) ->
            dns.resolve(
                host,
                port,
                context,
                new Promise<>() {
                  @Override
                  public void succeeded(List<InetSocketAddress> resolved) {
                    List<InetAddress> addresses = new ArrayList<>();
                    resolved.forEach(a -> addresses.add(a.getAddress()));
                    try {
                      guard.check(host, port, addresses);
                    } catch (UrlGuard.RefusedAddressException e) {
                      promise.failed(e);
                      return;
                    }
                    promise.succeeded(resolved);
                  }

                  @Override
                  public void failed(Throwable x) {
                    promise.failed(x);
                  }
                }));
    try {
      c.start();
    } catch (Exception e) {
      throw new OriginException(Failure.UNREACHABLE, "the HTTP client did not start", e);
    }
    client = c;
    return client;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      try {
        client.stop();
      } catch (Exception e) {
        // stopping anyway
      }
      client = null;
    }
  }
}
