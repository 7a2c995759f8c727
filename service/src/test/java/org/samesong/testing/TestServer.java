package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.core5.util.TimeValue;
import org.glassfish.jersey.apache5.connector.Apache5ClientProperties;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.samesong.app.SamesongApplication;
import org.samesong.app.SamesongConfiguration;

/**
 * The real application (REST API only) on free ports against a fresh {@link TestDatabase}, with a
 * {@link MutableClock} so tests move time instead of sleeping, and a first admin created at start
 * through the {@code bootstrapAdmin} configuration, as {@code SAMESONG_ADMIN_USER} would.
 *
 * <pre>
 * {@code @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);}
 * </pre>
 *
 * <p>The database is created in {@code beforeAll}: without PostgreSQL, every test of the class is
 * skipped with the reason (or the class fails when services are required). The HTTP client keeps no
 * cookies: a test sends the cookies it means to send.
 */
public class TestServer extends DropwizardAppExtension<SamesongConfiguration>
    implements BeforeEachCallback {
  public static final String ADMIN = "root";
  public static final String ADMIN_PASSWORD = "root-password-1-Tq8vZw";

  private final TestDatabase.Kind kind;
  private final MutableClock clock;
  private final State state;
  private TestAbortedException unavailable;
  private int depth;
  private String sharedAdminToken;
  private Instant sharedAdminTokenExpiry = Instant.MIN;

  /** What exists only while the class runs. */
  private static final class State {
    TestDatabase db;
    Path dataDir;

    TestDatabase db() {
      return db;
    }

    Path dataDir() {
      return dataDir;
    }
  }

  private TestServer(
      TestDatabase.Kind kind, MutableClock clock, State state, ConfigOverride... more) {
    super(new ClockedSupport(clock, overrides(state, more)));
    this.kind = kind;
    this.clock = clock;
    this.state = state;
  }

  /** A server on a fresh database of the given kind. */
  public static TestServer on(TestDatabase.Kind kind, ConfigOverride... more) {
    return new TestServer(kind, new MutableClock(), new State(), more);
  }

  private static ConfigOverride[] overrides(State state, ConfigOverride... more) {
    List<ConfigOverride> list = new ArrayList<>();
    list.add(ConfigOverride.config("bootstrapAdmin.username", ADMIN));
    list.add(ConfigOverride.config("bootstrapAdmin.password", ADMIN_PASSWORD));
    list.addAll(List.of(more));
    return TestApp.overrides(state::db, state::dataDir, list.toArray(ConfigOverride[]::new));
  }

  /** Starts the application with the injected clock instead of the system clock. */
  private static final class ClockedSupport extends DropwizardTestSupport<SamesongConfiguration> {
    private final MutableClock clock;

    ClockedSupport(MutableClock clock, ConfigOverride... overrides) {
      super(SamesongApplication.class, TestApp.configPath(), overrides);
      this.clock = clock;
    }

    @Override
    public Application<SamesongConfiguration> newApplication() {
      return new SamesongApplication(clock, List.of());
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    // @Nested classes call in again: the outermost class owns the database
    if (depth++ == 0) {
      try {
        state.db = kind.create();
      } catch (TestAbortedException e) {
        // reported on every test of the class (a class aborted here would show as 0 tests run)
        unavailable = e;
        return;
      }
      state.dataDir = Files.createTempDirectory("samesong-it-");
    }
    if (unavailable == null) {
      super.beforeAll(context);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (unavailable != null) {
      throw new TestAbortedException(unavailable.getMessage());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (unavailable == null) {
        super.afterAll(context);
      }
    } finally {
      if (--depth == 0) {
        if (state.db != null) {
          state.db.close();
          state.db = null;
        }
        deleteTree(state.dataDir);
        unavailable = null;
        sharedAdminToken = null;
      }
    }
  }

  @Override
  protected JerseyClientBuilder clientBuilder() {
    return super.clientBuilder()
        .property(Apache5ClientProperties.DISABLE_COOKIES, true)
        // Apache's client would wait out a 429's Retry-After and send again: tests see every reply
        .property(
            Apache5ClientProperties.RETRY_STRATEGY,
            new DefaultHttpRequestRetryStrategy(0, TimeValue.ZERO_MILLISECONDS));
  }

  public MutableClock clock() {
    return clock;
  }

  public TestDatabase database() {
    return state.db;
  }

  /** {@code http://localhost:<port>/api/<path>}. */
  public WebTarget api(String path) {
    return client().target("http://localhost:" + getLocalPort() + "/api/" + stripSlash(path));
  }

  /** The REST calls of {@link Api}, on this server. */
  public Api rest() {
    return Api.of(this);
  }

  /** A request to {@code /api/<path>}, with a bearer token when {@code token} is not null. */
  public Invocation.Builder request(String path, String token) {
    return rest().request(path, token);
  }

  public Reply get(String path, String token) {
    return rest().get(path, token);
  }

  /**
   * POSTs {@code body} as JSON: a {@code String} goes on the wire as it is, anything else mapped.
   */
  public Reply post(String path, Object body, String token) {
    return rest().post(path, body, token);
  }

  public Reply patch(String path, Object body, String token) {
    return rest().patch(path, body, token);
  }

  public Reply delete(String path, String token) {
    return rest().delete(path, token);
  }

  public Reply login(String username, String password) {
    return post("auth/login", credentials(username, password), null);
  }

  /** Logs in and asserts it worked; returns the reply with the tokens. */
  public Reply loginOk(String username, String password) {
    Reply reply = login(username, password);
    assertThat(reply.status()).as("login of %s: %s", username, reply).isEqualTo(200);
    return reply;
  }

  /** A fresh access token of the first admin (a new login every call). */
  public String adminToken() {
    return loginOk(ADMIN, ADMIN_PASSWORD).text("access_token");
  }

  /**
   * An access token of the first admin, logged in once and reused while the test clock says it is
   * valid, since every login costs an argon2 check. For tests that never end the first admin's
   * logins; a token with settings changed since (e.g. a longer lifetime) needs {@link
   * #adminToken()}.
   */
  public synchronized String sharedAdminToken() {
    if (sharedAdminToken == null || !clock.instant().isBefore(sharedAdminTokenExpiry)) {
      Reply login = loginOk(ADMIN, ADMIN_PASSWORD);
      sharedAdminToken = login.text("access_token");
      sharedAdminTokenExpiry =
          clock.instant().plusSeconds(login.json().get("expires_in").asLong() - 1);
    }
    return sharedAdminToken;
  }

  /** Creates an account through {@code POST /api/admin/users}; returns the created user. */
  public Reply createUser(String adminToken, String username, String password, String role) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", password);
    if (role != null) {
      body.put("role", role);
    }
    Reply reply = post("admin/users", body, adminToken);
    assertThat(reply.status()).as("creating %s: %s", username, reply).isEqualTo(201);
    return reply;
  }

  /** Changes settings through {@code PATCH /api/admin/settings} and asserts it worked. */
  public Reply setSettings(String adminToken, Map<String, Object> changes) {
    Reply reply = patch("admin/settings", changes, adminToken);
    assertThat(reply.status()).as("changing settings %s: %s", changes, reply).isEqualTo(200);
    return reply;
  }

  public static Map<String, Object> credentials(String username, String password) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", password);
    return body;
  }

  /** A username no other test uses. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String stripSlash(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
