package org.samesong.security;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestServer;

/**
 * {@link LogLeakContract}: The application's own loggers at DEBUG, the rest as {@code config.yml}
 * has them.
 */
class LogLeakIT extends LogLeakContract {
  private static final Path LOGS = temporaryFolder();

  @RegisterExtension static final TestServer APP = server(LOGS, false);

  @AfterAll
  static void deleteLogs() throws IOException {
    deleteLogs(LOGS);
  }

  @Override
  TestServer app() {
    return APP;
  }

  @Override
  Path logs() {
    return LOGS;
  }

  @Override
  boolean everythingAtDebug() {
    return false;
  }
}
