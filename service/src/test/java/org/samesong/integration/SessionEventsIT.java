package org.samesong.integration;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link SessionEventsContract} on H2. */
class SessionEventsIT extends SessionEventsContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
