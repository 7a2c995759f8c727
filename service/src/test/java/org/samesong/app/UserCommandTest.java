package org.samesong.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.testing.TestApp;
import org.samesong.user.PasswordHasher;
import org.samesong.user.User;
import org.samesong.user.UserService;

/**
 * {@code java -jar samesong.jar user create [--admin] NAME config.yml}, run in-process with the
 * repository's config.yml, its data folder and H2 file pointed at a temporary folder through
 * Dropwizard's {@code dw.} system-property overrides, and the password on standard input.
 */
class UserCommandTest {
  @TempDir Path dataDir;

  private final Map<String, String> overrides = new java.util.LinkedHashMap<>();
  private String out;
  private String err;

  /** The application, with a fatal error recorded instead of exiting the JVM. */
  private static final class Cli extends SamesongApplication {
    Throwable fatal;

    @Override
    protected void onFatalError(Throwable t) {
      fatal = t;
    }
  }

  private String jdbcUrl() {
    return "jdbc:h2:file:" + dataDir.resolve("samesong") + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  @BeforeEach
  void pointConfigAtTheTempFolder() {
    overrides.put("dw.dataDir", dataDir.toString());
    overrides.put("dw.database.url", jdbcUrl());
    overrides.put("dw.database.user", "sa");
    overrides.put("dw.database.password", "");
    overrides.put("dw.logging.level", "WARN");
    overrides.forEach(System::setProperty);
  }

  @AfterEach
  void clearOverrides() {
    overrides.keySet().forEach(System::clearProperty);
  }

  /** Runs the command with {@code stdin} as standard input; returns the fatal error, if any. */
  private Optional<Throwable> run(String stdin, String... args) throws Exception {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    Cli cli = new Cli();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      cli.run(args);
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    out = outBytes.toString(StandardCharsets.UTF_8);
    err = errBytes.toString(StandardCharsets.UTF_8);
    return Optional.ofNullable(cli.fatal);
  }

  /** The accounts as the application itself sees them, on the database the command wrote. */
  private UserService users() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(jdbcUrl());
    ds.setUser("sa");
    ds.setPassword("");
    Jdbi jdbi = Jdbi.create(ds).installPlugin(new SqlObjectPlugin());
    return new UserService(jdbi, new PasswordHasher(), Clock.systemUTC(), () -> 3);
  }

  @Test
  void user_create_admin_makes_an_admin_who_can_log_in_with_the_password_from_stdin()
      throws Exception {
    Optional<Throwable> fatal =
        run(
            "bob-secret-password-Tq8vZw\n",
            "user",
            "create",
            "--admin",
            "Bob",
            TestApp.configPath());

    assertThat(fatal).as("stderr: %s", err).isEmpty();
    assertThat(out).contains("created admin bob");
    Optional<User> bob = users().verifyCredentials("bob", "bob-secret-password-Tq8vZw");
    assertThat(bob).isPresent();
    assertThat(bob.get().role()).isEqualTo(User.ADMIN);
    assertThat(bob.get().disabled()).isFalse();
    assertThat(users().verifyCredentials("bob", "wrong-password")).isEmpty();
    assertThat(users().needsSetup()).as("the setup screen is no longer needed").isFalse();
  }

  @Test
  void user_create_without_admin_makes_a_plain_user() throws Exception {
    Optional<Throwable> fatal =
        run("carol-password-Tq8vZw\n", "user", "create", "carol", TestApp.configPath());

    assertThat(fatal).as("stderr: %s", err).isEmpty();
    assertThat(users().verifyCredentials("carol", "carol-password-Tq8vZw"))
        .map(User::role)
        .contains(User.USER);
  }

  @Test
  void a_too_short_password_creates_nobody_and_says_why() throws Exception {
    Optional<Throwable> fatal =
        run("short\n", "user", "create", "--admin", "dave", TestApp.configPath());

    assertThat(fatal).isPresent();
    assertThat(err).contains("password");
    assertThat(users().list()).isEmpty();
  }

  @Test
  void an_empty_stdin_creates_nobody() throws Exception {
    Optional<Throwable> fatal = run("", "user", "create", "--admin", "erin", TestApp.configPath());

    assertThat(fatal).isPresent();
    assertThat(users().list()).isEmpty();
  }

  @Test
  void a_taken_username_is_refused_and_keeps_the_first_account() throws Exception {
    assertThat(run("first-password-Tq8vZw\n", "user", "create", "frank", TestApp.configPath()))
        .isEmpty();

    Optional<Throwable> fatal =
        run("second-password-Tq8vZw\n", "user", "create", "--admin", "FRANK", TestApp.configPath());

    assertThat(fatal).isPresent();
    assertThat(err).contains("taken");
    assertThat(users().verifyCredentials("frank", "first-password-Tq8vZw"))
        .map(User::role)
        .contains(User.USER);
    assertThat(users().list()).hasSize(1);
  }
}
