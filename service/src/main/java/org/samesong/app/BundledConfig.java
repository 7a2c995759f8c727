package org.samesong.app;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The configuration file, or the copy of the repository's {@code config.yml} inside the jar when
 * none is there: {@code java -jar samesong.jar server} works on its own and still honours every
 * SAMESONG_* variable. Dropwizard would otherwise build a bare default configuration that the
 * environment cannot reach.
 */
final class BundledConfig implements ConfigurationSourceProvider {
  /** The name the commands fall back to, and the file looked for first. */
  static final String NAME = "config.yml";

  static final String RESOURCE = "/org/samesong/app/config.yml";

  private static final Set<String> COMMANDS_WITH_A_FILE = Set.of("server", "check");

  private final ConfigurationSourceProvider files;

  BundledConfig() {
    this(new FileConfigurationSourceProvider());
  }

  BundledConfig(ConfigurationSourceProvider files) {
    this.files = files;
  }

  /** {@code server} or {@code check} without a file becomes {@code server config.yml}. */
  static String[] withDefaultFile(String[] args) {
    if (args.length == 1 && COMMANDS_WITH_A_FILE.contains(args[0])) {
      return new String[] {args[0], NAME};
    }
    return args;
  }

  @Override
  public InputStream open(String path) throws IOException {
    if (NAME.equals(path) && !Files.exists(Path.of(path))) {
      InputStream bundled = BundledConfig.class.getResourceAsStream(RESOURCE);
      if (bundled == null) {
        throw new FileNotFoundException(
            "no config.yml here and none inside the jar: name a configuration file");
      }
      return bundled;
    }
    return files.open(path);
  }
}
