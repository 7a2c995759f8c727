package org.samesong.request;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link RequestLogExportContract} on POSTGRES. */
class RequestLogExportPostgresIT extends RequestLogExportContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
