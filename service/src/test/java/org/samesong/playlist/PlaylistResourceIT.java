package org.samesong.playlist;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The playlist: host edits, guest proposals, concurrent edits over HTTP on H2, the default
 * database.
 */
class PlaylistResourceIT extends PlaylistResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
