package org.samesong.request;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Guest requests: filing, visibility, decisions, rate limits, racing approvals over HTTP on H2, the
 * default database.
 */
class RequestResourceIT extends RequestResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
