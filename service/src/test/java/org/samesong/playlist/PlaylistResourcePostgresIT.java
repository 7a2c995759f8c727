package org.samesong.playlist;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The playlist: host edits, guest proposals, concurrent edits over HTTP on PostgreSQL (skipped with
 * the reason when none runs on this machine, failed instead when SAMESONG_REQUIRE_SERVICES=true).
 */
class PlaylistResourcePostgresIT extends PlaylistResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
