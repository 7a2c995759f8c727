package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;
import org.samesong.app.SamesongConfiguration;
import org.samesong.testing.TestApp;

/**
 * The admin port (health checks, metrics, thread dumps, tasks that change log levels) has no login:
 * config.yml binds it to loopback unless {@code SAMESONG_ADMIN_BIND} says otherwise. (The outside
 * review found it on every interface.) The running server's connector is checked in {@code
 * AdminBindIT}.
 */
class AdminBindTest {
  private final YamlConfigurationFactory<SamesongConfiguration> factory =
      new YamlConfigurationFactory<>(
          SamesongConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @Test
  void the_admin_port_listens_on_loopback_unless_samesong_admin_bind_opens_it() throws Exception {
    assertThat(adminBindHost(Map.of())).isEqualTo("127.0.0.1");
    assertThat(adminBindHost(Map.of("SAMESONG_ADMIN_BIND", "0.0.0.0"))).isEqualTo("0.0.0.0");
    assertThat(adminBindHost(Map.of("SAMESONG_ADMIN_BIND", "10.0.0.5"))).isEqualTo("10.0.0.5");
  }

  /** config.yml as the jar reads it, with {@code env} as the environment. */
  private String adminBindHost(Map<String, String> env) throws Exception {
    StringSubstitutor substitutor = new StringSubstitutor(env);
    substitutor.setEnableSubstitutionInVariables(true);
    SamesongConfiguration config =
        factory.build(
            new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor),
            TestApp.configPath());
    DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
    return ((HttpConnectorFactory) server.getAdminConnectors().get(0)).getBindHost();
  }
}
