package org.samesong.security;

import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import org.samesong.security.Exemplars.Call;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/** Sends a {@link Call} with the test client (paths that a normal client can send). */
final class Sender {
  private Sender() {}

  static Reply send(TestServer app, Call call) {
    return send(app.request(call.path(), call.token()), call);
  }

  /** Sends the call's method and body on a prepared request (extra headers, cookies). */
  static Reply send(Invocation.Builder request, Call call) {
    if (call.body() == null) {
      return Reply.of(request.method(call.method()));
    }
    return Reply.of(
        request.method(call.method(), Entity.entity(call.body(), MediaType.APPLICATION_JSON_TYPE)));
  }
}
