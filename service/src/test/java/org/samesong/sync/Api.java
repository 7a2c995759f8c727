package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.function.IntSupplier;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * The REST API of a running application, for the WebSocket tests: the same calls whether the
 * application runs in a {@link TestServer} or is started and stopped by hand ({@link LiveApp}).
 */
final class Api {
  private final Client client;
  private final IntSupplier port;

  Api(Client client, IntSupplier port) {
    this.client = client;
    this.port = port;
  }

  static Api of(TestServer app) {
    return new Api(app.client(), app::getLocalPort);
  }

  int port() {
    return port.getAsInt();
  }

  Invocation.Builder request(String path, String token) {
    Invocation.Builder builder =
        client
            .target(
                "http://localhost:"
                    + port()
                    + "/api/"
                    + (path.startsWith("/") ? path.substring(1) : path))
            .request(MediaType.APPLICATION_JSON_TYPE);
    if (token != null) {
      builder.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    return builder;
  }

  Reply get(String path, String token) {
    return Reply.of(request(path, token).get());
  }

  Reply post(String path, Object body, String token) {
    return Reply.of(request(path, token).post(Entity.json(body)));
  }

  Reply patch(String path, Object body, String token) {
    return Reply.of(request(path, token).method("PATCH", Entity.json(body)));
  }

  Reply delete(String path, String token) {
    return Reply.of(request(path, token).delete());
  }

  /** A fresh access token of the first admin. */
  String adminToken() {
    Reply reply =
        post(
            "auth/login",
            TestServer.credentials(TestServer.ADMIN, TestServer.ADMIN_PASSWORD),
            null);
    assertThat(reply.status()).as("admin login: %s", reply).isEqualTo(200);
    return reply.text("access_token");
  }
}
