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
  /** The file the commands fall back to when the working folder has it. */
  static final String NAME = "config.yml";

  static final String RESOURCE = "/org/samesong/app/config.yml";

  /** What the command line gets instead of a file name when the jar's copy is to be read. */
  static final String BUNDLED = "(config.yml inside the jar)";

  private static volatile boolean usedBundled;

  private static final Set<String> COMMANDS_WITH_A_FILE = Set.of("server", "check");

  private final ConfigurationSourceProvider files;

  BundledConfig() {
    this(new FileConfigurationSourceProvider());
  }

  BundledConfig(ConfigurationSourceProvider files) {
    this.files = files;
  }

  /**
   * {@code server} or {@code check} without a file becomes {@code server config.yml} when the
   * working folder has one, else names the copy inside the jar. A file named on the command line is
   * always read from disk: a missing one is an error, never replaced by the bundled copy.
   */
  static String[] withDefaultFile(String[] args) {
    if (args.length == 1 && COMMANDS_WITH_A_FILE.contains(args[0])) {
      return new String[] {args[0], Files.exists(Path.of(NAME)) ? NAME : BUNDLED};
    }
    return args;
  }

  /** Whether the copy inside the jar was read (for the start-up log). */
  static boolean usedBundled() {
    return usedBundled;
  }

  @Override
  public InputStream open(String path) throws IOException {
    if (BUNDLED.equals(path)) {
      InputStream bundled = BundledConfig.class.getResourceAsStream(RESOURCE);
      if (bundled == null) {
        throw new FileNotFoundException("no config.yml inside the jar: name a configuration file");
      }
      usedBundled = true;
      return bundled;
    }
    return files.open(path);
  }
}
