package org.samesong.security;

import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@link KickBanContract} on H2, behind a (simulated) proxy that says who the client is. */
class KickBanIT extends KickBanContract {
  @RegisterExtension
  static final TestServer APP =
      TestServer.on(
          TestDatabase.Kind.H2,
          ConfigOverride.config("server.applicationConnectors[0].useForwardedHeaders", "true"));

  @Override
  TestServer app() {
    return APP;
  }
}
