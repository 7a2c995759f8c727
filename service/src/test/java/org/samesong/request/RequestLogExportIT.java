package org.samesong.request;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link RequestLogExportContract} on H2. */
class RequestLogExportIT extends RequestLogExportContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
