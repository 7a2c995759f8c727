package org.samesong.webhook;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link WebhookContract} on H2. */
class WebhookIT extends WebhookContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
