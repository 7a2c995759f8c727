package org.samesong.media.url;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * URL tracks over HTTP against a local origin, on PostgreSQL (skipped with the reason when none
 * runs here, failed instead when SAMESONG_REQUIRE_SERVICES=true).
 */
class UrlTrackResourcePostgresIT extends UrlTrackResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
