package org.samesong.media.stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** The stream endpoint over HTTP on H2, the default database. */
class StreamResourceIT extends StreamResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
