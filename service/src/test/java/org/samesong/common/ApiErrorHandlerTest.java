package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * A 503 the container makes itself (an instance stopping while a proxy still sends it requests)
 * says {@code unavailable} with {@code Retry-After}, so clients and proxies ask again elsewhere or
 * in a moment, instead of an {@code internal_error} that reads like a bug.
 */
class ApiErrorHandlerTest {
  @Test
  void a_503_of_the_container_is_unavailable_with_retry_after() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Response.writeError(request, response, callback, 503);
            return true;
          }
        });
    server.setErrorHandler(new ApiErrorHandler(new ObjectMapper(), new ErrorHandler()));
    server.start();
    try {
      HttpResponse<String> reply =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + connector.getLocalPort() + "/api/time"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(reply.statusCode()).isEqualTo(503);
      assertThat(reply.headers().firstValue("Retry-After")).contains("1");
      JsonNode error = new ObjectMapper().readTree(reply.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("unavailable");
      assertThat(error.path("message").asText()).contains("try again");
    } finally {
      server.stop();
    }
  }
}
