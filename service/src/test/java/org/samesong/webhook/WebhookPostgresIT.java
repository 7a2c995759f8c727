package org.samesong.webhook;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link WebhookContract} on POSTGRES. */
class WebhookPostgresIT extends WebhookContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
