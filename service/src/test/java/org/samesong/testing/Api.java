package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.core5.util.TimeValue;
import org.glassfish.jersey.apache5.connector.Apache5ClientProperties;
import org.glassfish.jersey.apache5.connector.Apache5ConnectorProvider;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.JerseyClientBuilder;

/**
 * The REST API of a running application: the same calls whether the application runs in a {@link
 * TestServer}, is started and stopped by hand, runs as another process or sits behind a proxy.
 */
public final class Api {
  private final Client client;
  private final Supplier<URI> base;

  /** The API on {@code http://localhost:<port>} (the port may change between calls). */
  public Api(Client client, IntSupplier port) {
    this(client, () -> URI.create("http://localhost:" + port.getAsInt()));
  }

  /** The API under {@code base} (scheme, host and port: e.g. {@code https://127.0.0.1:8443}). */
  public Api(Client client, Supplier<URI> base) {
    this.client = client;
    this.base = base;
  }

  /**
   * A client for tests that start the application themselves: no cookies kept (a test sends the
   * cookies it means to), no retries (a refused request must show), and {@code ssl} (or null) for
   * HTTPS through a proxy with a test certificate.
   */
  public static Client newClient(SSLContext ssl) {
    JerseyClientBuilder builder =
        new JerseyClientBuilder()
            .withConfig(
                new ClientConfig()
                    .connectorProvider(new Apache5ConnectorProvider())
                    .property(Apache5ClientProperties.DISABLE_COOKIES, true)
                    .property(
                        Apache5ClientProperties.RETRY_STRATEGY,
                        new DefaultHttpRequestRetryStrategy(0, TimeValue.ZERO_MILLISECONDS)));
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    return builder.build();
  }

  public static Api of(TestServer app) {
    return new Api(app.client(), app::getLocalPort);
  }

  public int port() {
    return base.get().getPort();
  }

  public Invocation.Builder request(String path, String token) {
    Invocation.Builder builder =
        client
            // concatenated, not resolved: a test's path goes on the wire as written (dot segments
            // too)
            .target(base.get() + "/api/" + (path.startsWith("/") ? path.substring(1) : path))
            .request(MediaType.APPLICATION_JSON_TYPE);
    if (token != null) {
      builder.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    return builder;
  }

  public Reply get(String path, String token) {
    return Reply.of(request(path, token).get());
  }

  public Reply post(String path, Object body, String token) {
    return Reply.of(request(path, token).post(Entity.json(body)));
  }

  public Reply patch(String path, Object body, String token) {
    return Reply.of(request(path, token).method("PATCH", Entity.json(body)));
  }

  public Reply delete(String path, String token) {
    return Reply.of(request(path, token).delete());
  }

  /** A fresh access token of the first admin. */
  public String adminToken() {
    Reply reply =
        post(
            "auth/login",
            TestServer.credentials(TestServer.ADMIN, TestServer.ADMIN_PASSWORD),
            null);
    assertThat(reply.status()).as("admin login: %s", reply).isEqualTo(200);
    return reply.text("access_token");
  }
}
