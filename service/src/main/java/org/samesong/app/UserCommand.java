package org.samesong.app;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.samesong.common.ApiException;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.user.PasswordHasher;
import org.samesong.user.User;
import org.samesong.user.UserService;

/**
 * {@code java -jar samesong.jar user create [--admin] NAME config.yml}: creates an account, the
 * password read from standard input (a terminal asks for it without echo).
 */
public class UserCommand extends ConfiguredCommand<SamesongConfiguration> {

  public UserCommand() {
    super("user", "Manages accounts: user create [--admin] NAME config.yml (password on stdin)");
  }

  @Override
  public void configure(Subparser subparser) {
    Subparser create =
        subparser
            .addSubparsers()
            .dest("action")
            .addParser("create")
            .help("creates an account; the password is read from standard input");
    create
        .addArgument("--admin")
        .action(Arguments.storeTrue())
        .help("give the account the admin role");
    create.addArgument("username").help("the new account's name");
    addFileArgument(create);
  }

  @Override
  protected void run(
      Bootstrap<SamesongConfiguration> bootstrap, Namespace namespace, SamesongConfiguration config)
      throws Exception {
    String password = readPassword();
    var dataSourceFactory = config.database().build(SamesongApplication.prepareDataDir(config));
    ManagedDataSource dataSource = dataSourceFactory.build(new MetricRegistry(), "cli");
    try {
      Migrator.migrate(dataSource);
      Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
      SettingsService settings =
          new SettingsService(
              jdbi, bootstrap.getObjectMapper(), Clock.systemUTC(), Map.of(), Map.of());
      UserService users =
          new UserService(
              jdbi,
              new PasswordHasher(),
              Clock.systemUTC(),
              () -> settings.get(Settings.MIN_PASSWORD_STRENGTH));
      String role = namespace.getBoolean("admin") ? User.ADMIN : User.USER;
      User user = users.create(namespace.getString("username"), password, role);
      System.out.println("created " + user.role() + " " + user.username() + " (" + user.id() + ")");
    } catch (ApiException e) {
      System.err.println("not created: " + e.getMessage());
      throw new IllegalArgumentException(e.getMessage());
    } finally {
      dataSource.stop();
    }
  }

  private static String readPassword() throws Exception {
    Console console = System.console();
    if (console != null) {
      char[] chars = console.readPassword("password: ");
      return chars == null ? "" : new String(chars);
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    return line == null ? "" : line;
  }
}
