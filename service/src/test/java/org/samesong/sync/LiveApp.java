package org.samesong.sync;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import jakarta.ws.rs.client.Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.samesong.app.SamesongApplication;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.Api;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestServer;

/**
 * The real application started and stopped by hand, for what a {@link TestServer} (one start per
 * class, a clock tests move) does not cover: a restart on the same database, or the system clock
 * for the scheduler's real-time behaviour. Same first admin as {@link TestServer}.
 */
final class LiveApp implements AutoCloseable {
  private final DropwizardTestSupport<SamesongConfiguration> support;
  private final Client client;
  private final Api api;

  private LiveApp(Clock clock, ConfigOverride... overrides) {
    this.support =
        new DropwizardTestSupport<>(SamesongApplication.class, TestApp.configPath(), overrides) {
          @Override
          public Application<SamesongConfiguration> newApplication() {
            return new SamesongApplication(clock, List.of());
          }
        };
    this.client = Api.newClient(null);
    this.api = new Api(client, support::getLocalPort);
  }

  /**
   * Starts the application with {@code clock}, its data folder {@code dataDir}, and the database
   * the overrides name (none: the default H2 file in the data folder).
   */
  static LiveApp start(Clock clock, Path dataDir, ConfigOverride... more) {
    List<ConfigOverride> overrides = new ArrayList<>();
    overrides.add(ConfigOverride.config("dataDir", dataDir.toString()));
    overrides.add(ConfigOverride.config("jwt.secret", TestApp.JWT_SECRET));
    overrides.add(ConfigOverride.config("server.applicationConnectors[0].port", "0"));
    overrides.add(ConfigOverride.config("server.adminConnectors[0].port", "0"));
    overrides.add(ConfigOverride.config("logging.level", "WARN"));
    overrides.add(ConfigOverride.config("bootstrapAdmin.username", TestServer.ADMIN));
    overrides.add(ConfigOverride.config("bootstrapAdmin.password", TestServer.ADMIN_PASSWORD));
    overrides.addAll(List.of(more));
    LiveApp app = new LiveApp(clock, overrides.toArray(ConfigOverride[]::new));
    // The overrides travel as "dw.*" system properties, needed only while the configuration is
    // read. Each override restores on stop the value it found at start, so two apps running at
    // once and stopped in start order would leave the first one's overrides (e.g. a Redis URL) to
    // every later test: put the properties back as they were as soon as this one has started.
    Map<String, String> before = dropwizardProperties();
    try {
      app.support.before();
    } catch (Exception e) {
      app.client.close();
      throw new IllegalStateException("the application did not start", e);
    } finally {
      dropwizardProperties().keySet().forEach(System::clearProperty);
      before.forEach(System::setProperty);
    }
    return app;
  }

  private static Map<String, String> dropwizardProperties() {
    Map<String, String> dw = new HashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("dw.")) {
        dw.put(name, System.getProperty(name));
      }
    }
    return dw;
  }

  Api api() {
    return api;
  }

  int port() {
    return support.getLocalPort();
  }

  int adminPort() {
    return support.getAdminPort();
  }

  /** Deletes a temporary folder and everything in it. */
  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Stops the server (as a shutdown does: managed objects stop, connections close). */
  @Override
  public void close() {
    try {
      support.after();
    } finally {
      client.close();
    }
  }
}
