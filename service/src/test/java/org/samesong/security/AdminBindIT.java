package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** The running server started from config.yml: its admin connector listens on loopback only. */
class AdminBindIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Test
  void the_admin_connector_is_bound_to_loopback_and_the_application_one_to_every_interface() {
    int adminPort = APP.getAdminPort();
    ServerConnector admin = null;
    ServerConnector application = null;
    for (Connector c : APP.getEnvironment().getApplicationContext().getServer().getConnectors()) {
      if (c instanceof ServerConnector sc) {
        if (sc.getLocalPort() == adminPort) {
          admin = sc;
        } else if (sc.getLocalPort() == APP.getLocalPort()) {
          application = sc;
        }
      }
    }
    assertThat(admin).as("the admin connector").isNotNull();
    assertThat(admin.getHost()).isEqualTo("127.0.0.1");
    assertThat(application).as("the application connector").isNotNull();
    assertThat(application.getHost()).as("the application port: every interface").isNull();
  }
}
