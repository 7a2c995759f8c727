package org.samesong.security;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestServer;

/**
 * {@link LogLeakContract}: Every logger at DEBUG, Jetty's included: the outside review turned
 * {@code org.eclipse.jetty.server} to DEBUG through the admin port and found whole request URLs,
 * tokens and stream signatures in the log.
 */
class LogLeakAllDebugIT extends LogLeakContract {
  private static final Path LOGS = temporaryFolder();

  @RegisterExtension static final TestServer APP = server(LOGS, true);

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
    return true;
  }
}
