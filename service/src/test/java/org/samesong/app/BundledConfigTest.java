package org.samesong.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar samesong.jar server} with no file: the repository's config.yml travels inside
 * the jar and is used, environment substitution included, when the working folder has none.
 */
class BundledConfigTest {
  private final YamlConfigurationFactory<SamesongConfiguration> factory =
      new YamlConfigurationFactory<>(
          SamesongConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @Test
  void server_and_check_without_a_file_name_config_yml_and_nothing_else_changes() {
    // the test runs in a folder without a config.yml: the jar's copy is named
    assertThat(BundledConfig.withDefaultFile(new String[] {"server"}))
        .containsExactly("server", BundledConfig.BUNDLED);
    assertThat(BundledConfig.withDefaultFile(new String[] {"check"}))
        .containsExactly("check", BundledConfig.BUNDLED);
    assertThat(BundledConfig.withDefaultFile(new String[] {"server", "mine.yml"}))
        .containsExactly("server", "mine.yml");
    assertThat(BundledConfig.withDefaultFile(new String[] {"db", "migrate"}))
        .containsExactly("db", "migrate");
    assertThat(BundledConfig.withDefaultFile(new String[] {})).isEmpty();
  }

  @Test
  void the_copy_in_the_jar_is_the_repository_config_yml() throws Exception {
    try (InputStream bundled = BundledConfig.class.getResourceAsStream(BundledConfig.RESOURCE)) {
      assertThat(bundled).as("config.yml on the class path").isNotNull();
      assertThat(bundled.readAllBytes()).isEqualTo(Files.readAllBytes(Path.of("..", "config.yml")));
    }
  }

  @Test
  void without_a_config_yml_in_the_working_folder_the_bundled_one_is_read_with_substitution()
      throws Exception {
    assertThat(Path.of(BundledConfig.NAME))
        .as("the test runs in a folder without one")
        .doesNotExist();

    SamesongConfiguration config =
        factory.build(
            new SubstitutingSourceProvider(
                new BundledConfig(), new EnvironmentVariableSubstitutor(false)),
            BundledConfig.BUNDLED);

    String dataDir = System.getenv().getOrDefault("SAMESONG_DATA_DIR", "./data");
    assertThat(config.dataDir()).isEqualTo(Path.of(dataDir));
    assertThat(config.getServerFactory()).isNotNull();
  }

  @Test
  void a_config_yml_named_on_the_command_line_is_never_replaced_by_the_bundled_one() {
    assertThat(Path.of(BundledConfig.NAME)).doesNotExist();
    assertThatThrownBy(() -> factory.build(new BundledConfig(), BundledConfig.NAME))
        .isInstanceOf(IOException.class);
  }

  @Test
  void a_named_file_is_read_from_disk_and_a_missing_one_is_an_error(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("samesong.yml");
    Files.writeString(file, "dataDir: /srv/samesong\n");
    assertThat(factory.build(new BundledConfig(), file.toString()).dataDir())
        .isEqualTo(Path.of("/srv/samesong"));

    assertThatThrownBy(
            () -> factory.build(new BundledConfig(), dir.resolve("absent.yml").toString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void the_bare_default_configuration_builds_too() throws Exception {
    // Dropwizard's path when no file is given at all: a default instance round-tripped as JSON
    assertThat(factory.build().jwt().isConfigured()).isFalse();
  }
}
