package org.samesong.session;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Sessions: create, join, view, end, kick over HTTP on PostgreSQL (skipped with the reason when
 * none runs on this machine, failed instead when SAMESONG_REQUIRE_SERVICES=true).
 */
class SessionResourcePostgresIT extends SessionResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
