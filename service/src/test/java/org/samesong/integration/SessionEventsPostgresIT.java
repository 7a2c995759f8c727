package org.samesong.integration;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link SessionEventsContract} on POSTGRES. */
class SessionEventsPostgresIT extends SessionEventsContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
