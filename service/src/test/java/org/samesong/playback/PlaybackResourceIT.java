package org.samesong.playback;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** Playback commands and the server-owned playback clock over HTTP on H2, the default database. */
class PlaybackResourceIT extends PlaybackResourceContract {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Override
  TestServer app() {
    return APP;
  }
}
