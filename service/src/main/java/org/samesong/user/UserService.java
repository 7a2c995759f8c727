package org.samesong.user;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.user.api.UserPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts: creation (the first admin included), listing, password checks, disabling and password
 * resets. Usernames are case-insensitive (stored lower-case); passwords are argon2id hashes.
 */
public class UserService {
  private static final Logger LOG = LoggerFactory.getLogger(UserService.class);
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
  public static final int MIN_PASSWORD = 8;
  public static final int MAX_PASSWORD = 256;

  private final Jdbi jdbi;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final IntSupplier minStrength;
  private final List<Consumer<String>> disabledListeners = new CopyOnWriteArrayList<>();

  /**
   * @param minStrength the least password strength (0-4, setting {@code min_password_strength})
   *     that new and reset passwords need
   */
  public UserService(Jdbi jdbi, PasswordHasher hasher, Clock clock, IntSupplier minStrength) {
    this.jdbi = jdbi;
    this.hasher = hasher;
    this.clock = clock;
    this.minStrength = minStrength;
  }

  /** True until the first account exists: the GUI then shows the setup screen. */
  public boolean needsSetup() {
    return jdbi.withExtension(UserDao.class, UserDao::count) == 0;
  }

  /**
   * Creates the first admin, only while no account exists. Two setups racing each other: the second
   * gets 409.
   */
  public User createFirstAdmin(String username, String password) {
    String name = checkUsername(username);
    checkPassword(password);
    checkStrength(password, name);
    String hash = hasher.hash(password);
    synchronized (this) {
      return jdbi.inTransaction(
          handle -> {
            UserDao dao = handle.attach(UserDao.class);
            if (dao.count() > 0) {
              throw ApiException.conflict(
                  "setup_done", "the first admin exists already; log in instead");
            }
            User user = insert(dao, name, hash, User.ADMIN);
            LOG.info("first admin {} created", name);
            return user;
          });
    }
  }

  /** Creates an account; 409 when the username is taken. */
  public User create(String username, String password, String role) {
    String name = checkUsername(username);
    checkPassword(password);
    String checkedRole = checkRole(role);
    checkStrength(password, name);
    String hash = hasher.hash(password);
    try {
      return jdbi.inTransaction(
          handle -> {
            UserDao dao = handle.attach(UserDao.class);
            if (dao.findByUsername(name).isPresent()) {
              throw ApiException.conflict("username_taken", "the username " + name + " is taken");
            }
            User user = insert(dao, name, hash, checkedRole);
            LOG.info("user {} created with role {}", name, checkedRole);
            return user;
          });
    } catch (UnableToExecuteStatementException e) {
      // the unique index caught a concurrent creation of the same name
      throw ApiException.conflict("username_taken", "the username " + name + " is taken");
    }
  }

  public List<User> list() {
    return jdbi.withExtension(
        UserDao.class, dao -> dao.list().stream().map(UserDao.Row::toUser).toList());
  }

  public Optional<User> find(String id) {
    return jdbi.withExtension(UserDao.class, dao -> dao.findById(id).map(UserDao.Row::toUser));
  }

  /**
   * Checks a username and password. Unknown users cost the same time as known ones. Disabled
   * accounts are refused like wrong passwords, with their own message.
   */
  public Optional<User> verifyCredentials(String username, String password) {
    String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    Optional<UserDao.Row> row = jdbi.withExtension(UserDao.class, dao -> dao.findByUsername(name));
    if (row.isEmpty()) {
      hasher.verifyNothing(password);
      return Optional.empty();
    }
    if (!hasher.verify(password, row.get().passwordHash())) {
      return Optional.empty();
    }
    return row.map(UserDao.Row::toUser);
  }

  /** Applies an admin's change: disable or enable, reset the password, change the role. */
  public User update(String id, UserPatch patch, String actingUserId) {
    String newHash = null;
    if (patch.password() != null) {
      checkPassword(patch.password());
      checkStrength(
          patch.password(),
          jdbi.withExtension(UserDao.class, dao -> dao.findById(id))
              .map(UserDao.Row::username)
              .orElse(null));
      newHash = hasher.hash(patch.password());
    }
    String role = patch.role() == null ? null : checkRole(patch.role());
    String hash = newHash;
    AtomicBoolean roleChanged = new AtomicBoolean();
    User updated =
        jdbi.inTransaction(
            handle -> {
              UserDao dao = handle.attach(UserDao.class);
              UserDao.Row row = dao.findById(id).orElseThrow(() -> ApiException.notFound("user"));
              long now = clock.millis();
              boolean losesAdmin =
                  User.ADMIN.equals(row.role())
                      && !row.disabled()
                      && (Boolean.TRUE.equals(patch.disabled())
                          || (role != null && !User.ADMIN.equals(role)));
              if (losesAdmin && dao.countActiveAdmins() <= 1) {
                throw ApiException.conflict(
                    "last_admin", "the last active admin cannot be disabled or demoted");
              }
              if (id.equals(actingUserId) && Boolean.TRUE.equals(patch.disabled())) {
                throw ApiException.conflict("self_disable", "you cannot disable your own account");
              }
              if (hash != null) {
                dao.updatePassword(id, hash, now);
              }
              if (patch.disabled() != null) {
                dao.updateDisabled(id, patch.disabled(), now);
              }
              if (role != null) {
                roleChanged.set(!role.equals(row.role()));
                dao.updateRole(id, role, now);
              }
              return dao.findById(id).orElseThrow().toUser();
            });
    if (updated.disabled() || newHash != null || roleChanged.get()) {
      // a disabled account, a reset password or a changed role ends every login of that account:
      // tokens carry the role they were issued with
      disabledListeners.forEach(l -> l.accept(id));
    }
    LOG.info("user {} updated", updated.username());
    return updated;
  }

  /** Listens for accounts whose existing logins must end (disabled, password reset). */
  public void onCredentialsRevoked(Consumer<String> listener) {
    disabledListeners.add(listener);
  }

  private User insert(UserDao dao, String name, String hash, String role) {
    long now = clock.millis();
    UserDao.Row row = new UserDao.Row(Ids.newId(), name, hash, role, false, now, now);
    dao.insert(row);
    return row.toUser();
  }

  /** Returns the normalised username or refuses it with 400. */
  public static String checkUsername(String username) {
    if (username == null || username.isBlank()) {
      throw ApiException.badRequest("username", "is required");
    }
    String name = username.strip().toLowerCase(Locale.ROOT);
    if (!USERNAME.matcher(name).matches()) {
      throw ApiException.badRequest(
          "username",
          "must be 3-64 letters, digits, dots, dashes or underscores, starting with a letter or digit");
    }
    return name;
  }

  /** Refuses passwords that are too short or too long with 400. */
  public static void checkPassword(String password) {
    if (password == null || password.isEmpty()) {
      throw ApiException.badRequest("password", "is required");
    }
    if (password.length() < MIN_PASSWORD) {
      throw ApiException.badRequest(
          "password", "must have at least " + MIN_PASSWORD + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw ApiException.badRequest(
          "password", "must have at most " + MAX_PASSWORD + " characters");
    }
  }

  /**
   * Refuses a password below {@code min_password_strength} with 400 {@code weak_password}, saying
   * why in words a person understands.
   */
  public void checkStrength(String password, String username) {
    Optional<String> problem = strengthProblem(password, username);
    if (problem.isPresent()) {
      throw ApiException.badRequest(
          "weak_password", "password", "password is too easy to guess: " + problem.get());
    }
  }

  /**
   * Why a password is too weak for {@code min_password_strength}, in plain words (with its score),
   * or empty when it is strong enough; for a form that says so while the password is typed.
   */
  public Optional<String> strengthProblem(String password, String username) {
    int least = minStrength.getAsInt();
    if (least <= 0 || password == null || password.isEmpty()) {
      return Optional.empty();
    }
    PasswordStrength.Verdict verdict =
        PasswordStrength.of(
            password.substring(0, Math.min(password.length(), MAX_PASSWORD)), username);
    if (verdict.score() >= least) {
      return Optional.empty();
    }
    return Optional.of(
        verdict.reason()
            + " (strength "
            + verdict.score()
            + " of "
            + PasswordStrength.MAX_SCORE
            + ", "
            + least
            + " needed)");
  }

  private static String checkRole(String role) {
    if (role == null) {
      return User.USER;
    }
    if (!User.ADMIN.equals(role) && !User.USER.equals(role)) {
      throw ApiException.badRequest("role", "must be admin or user");
    }
    return role;
  }
}
