package org.samesong.playback;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Playback commands and the server-owned playback clock over HTTP on PostgreSQL (skipped with the
 * reason when none runs on this machine, failed instead when SAMESONG_REQUIRE_SERVICES=true).
 */
class PlaybackResourcePostgresIT extends PlaybackResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.POSTGRES);

  @Override
  TestServer app() {
    return APP;
  }
}
