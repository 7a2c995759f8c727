package org.samesong.media.url;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** URL tracks over HTTP against a local origin, on the default database. */
class UrlTrackResourceIT extends UrlTrackResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
