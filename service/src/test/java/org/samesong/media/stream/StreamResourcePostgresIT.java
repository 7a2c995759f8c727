package org.samesong.media.stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The stream endpoint over HTTP on PostgreSQL (skipped with the reason when none runs on this
 * machine, failed instead when SAMESONG_REQUIRE_SERVICES=true).
 */
class StreamResourcePostgresIT extends StreamResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
