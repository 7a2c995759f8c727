package org.samesong.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.testing.DatabasePerKind;
import org.samesong.testing.TestDatabase.Kind;

/** {@link UserDao} on the real changelog, on H2 and on PostgreSQL. */
class UserDaoTest {
  @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();

  private static UserDao dao(Kind kind) {
    return DBS.jdbi(kind).onDemand(UserDao.class);
  }

  private static UserDao.Row row(String username, String role, boolean disabled) {
    return new UserDao.Row(
        UUID.randomUUID().toString(),
        username,
        "hash-of-" + username,
        role,
        disabled,
        1_000L,
        2_000L);
  }

  private static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void inserted_user_is_found_by_id_and_by_username_with_every_column(Kind kind) {
    UserDao dao = dao(kind);
    UserDao.Row alice = row(name("alice"), User.USER, false);

    dao.insert(alice);

    assertThat(dao.findById(alice.id())).contains(alice);
    assertThat(dao.findByUsername(alice.username())).contains(alice);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void unknown_id_or_username_finds_nothing(Kind kind) {
    UserDao dao = dao(kind);

    assertThat(dao.findById(UUID.randomUUID().toString())).isEmpty();
    assertThat(dao.findByUsername(name("nobody"))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_taken_username_cannot_be_inserted_twice(Kind kind) {
    UserDao dao = dao(kind);
    String username = name("bob");
    dao.insert(row(username, User.USER, false));

    assertThatThrownBy(() -> dao.insert(row(username, User.ADMIN, false)))
        .isInstanceOf(UnableToExecuteStatementException.class);
    assertThat(dao.list()).filteredOn(r -> r.username().equals(username)).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void count_active_admins_counts_enabled_admins_only(Kind kind) {
    UserDao dao = dao(kind);
    long before = dao.countActiveAdmins();
    long usersBefore = dao.count();

    dao.insert(row(name("admin"), User.ADMIN, false));
    dao.insert(row(name("admin"), User.ADMIN, false));
    dao.insert(row(name("gone-admin"), User.ADMIN, true));
    dao.insert(row(name("plain"), User.USER, false));

    assertThat(dao.countActiveAdmins()).isEqualTo(before + 2);
    assertThat(dao.count()).isEqualTo(usersBefore + 4);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void disabling_an_admin_removes_it_from_the_active_admins_and_enabling_restores_it(Kind kind) {
    UserDao dao = dao(kind);
    UserDao.Row admin = row(name("admin"), User.ADMIN, false);
    dao.insert(admin);
    long before = dao.countActiveAdmins();

    assertThat(dao.updateDisabled(admin.id(), true, 5_000L)).isEqualTo(1);
    assertThat(dao.countActiveAdmins()).isEqualTo(before - 1);
    assertThat(dao.findById(admin.id()).orElseThrow().disabled()).isTrue();

    assertThat(dao.updateDisabled(admin.id(), false, 6_000L)).isEqualTo(1);
    assertThat(dao.countActiveAdmins()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void updates_change_one_row_and_its_updated_at(Kind kind) {
    UserDao dao = dao(kind);
    UserDao.Row carol = row(name("carol"), User.USER, false);
    UserDao.Row other = row(name("other"), User.USER, false);
    dao.insert(carol);
    dao.insert(other);

    assertThat(dao.updatePassword(carol.id(), "new-hash", 3_000L)).isEqualTo(1);
    assertThat(dao.updateRole(carol.id(), User.ADMIN, 4_000L)).isEqualTo(1);
    assertThat(dao.updateDisabled(carol.id(), true, 5_000L)).isEqualTo(1);

    UserDao.Row changed = dao.findById(carol.id()).orElseThrow();
    assertThat(changed.passwordHash()).isEqualTo("new-hash");
    assertThat(changed.role()).isEqualTo(User.ADMIN);
    assertThat(changed.disabled()).isTrue();
    assertThat(changed.updatedAt()).isEqualTo(5_000L);
    assertThat(changed.createdAt()).isEqualTo(carol.createdAt());
    assertThat(dao.findById(other.id())).contains(other);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void updates_of_an_unknown_id_change_nothing(Kind kind) {
    UserDao dao = dao(kind);
    String unknown = UUID.randomUUID().toString();

    assertThat(dao.updatePassword(unknown, "x", 1L)).isZero();
    assertThat(dao.updateDisabled(unknown, true, 1L)).isZero();
    assertThat(dao.updateRole(unknown, User.ADMIN, 1L)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void list_is_ordered_by_username(Kind kind) {
    UserDao dao = dao(kind);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    dao.insert(row("zed-" + suffix, User.USER, false));
    dao.insert(row("amy-" + suffix, User.USER, false));
    dao.insert(row("max-" + suffix, User.ADMIN, false));

    List<String> names = dao.list().stream().map(UserDao.Row::username).toList();

    assertThat(names.stream().filter(n -> n.endsWith(suffix)).toList())
        .containsExactly("amy-" + suffix, "max-" + suffix, "zed-" + suffix);
  }
}
