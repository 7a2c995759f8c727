package org.samesong.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.testing.DatabasePerKind;
import org.samesong.testing.TestDatabase.Kind;
import org.samesong.user.User;
import org.samesong.user.UserDao;

/** {@link TokenDao} on the real changelog, on H2 and on PostgreSQL. */
class TokenDaoTest {
  @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();

  private static TokenDao dao(Kind kind) {
    return DBS.jdbi(kind).onDemand(TokenDao.class);
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private static TokenDao.Family family(String subject) {
    return new TokenDao.Family(id(), subject, "user", null, null, 1_000L, 9_000L, null, null);
  }

  private static TokenDao.Refresh refresh(String familyId) {
    return new TokenDao.Refresh(id(), familyId, 1_000L, 9_000L, null);
  }

  /** An account row, so that the auth state can join it. */
  private static String user(Jdbi jdbi, boolean disabled) {
    String userId = id();
    jdbi.useExtension(
        UserDao.class,
        dao ->
            dao.insert(
                new UserDao.Row(
                    userId, "u-" + userId.substring(0, 8), "hash", User.USER, disabled, 1L, 1L)));
    return userId;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void family_round_trips_with_every_column(Kind kind) {
    TokenDao dao = dao(kind);
    TokenDao.Family family = family(id());

    dao.insertFamily(family);

    assertThat(dao.findFamily(family.id())).contains(family);
    assertThat(dao.findFamily(id())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void refresh_token_is_spent_once_and_the_second_spend_changes_nothing(Kind kind) {
    TokenDao dao = dao(kind);
    TokenDao.Family family = family(id());
    dao.insertFamily(family);
    TokenDao.Refresh token = refresh(family.id());
    dao.insertRefresh(token);
    assertThat(dao.findRefresh(token.jti())).contains(token);

    assertThat(dao.spendRefresh(token.jti(), 2_000L)).isEqualTo(1);
    assertThat(dao.spendRefresh(token.jti(), 3_000L)).isZero();

    assertThat(dao.findRefresh(token.jti()).orElseThrow().usedAt()).isEqualTo(2_000L);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void spending_an_unknown_refresh_token_changes_nothing(Kind kind) {
    assertThat(dao(kind).spendRefresh(id(), 2_000L)).isZero();
    assertThat(dao(kind).findRefresh(id())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void revoking_a_family_records_when_and_why_once(Kind kind) {
    TokenDao dao = dao(kind);
    TokenDao.Family family = family(id());
    TokenDao.Family sibling = family(family.subject());
    dao.insertFamily(family);
    dao.insertFamily(sibling);

    assertThat(dao.revokeFamily(family.id(), "reuse", 5_000L)).isEqualTo(1);
    assertThat(dao.revokeFamily(family.id(), "logout", 6_000L)).isZero();

    TokenDao.Family revoked = dao.findFamily(family.id()).orElseThrow();
    assertThat(revoked.revokedAt()).isEqualTo(5_000L);
    assertThat(revoked.revokeReason()).isEqualTo("reuse");
    assertThat(dao.findFamily(sibling.id()).orElseThrow().revokedAt()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void revoking_a_subject_revokes_its_live_families_only(Kind kind) {
    TokenDao dao = dao(kind);
    String subject = id();
    TokenDao.Family first = family(subject);
    TokenDao.Family second = family(subject);
    TokenDao.Family endedBefore = family(subject);
    TokenDao.Family someoneElse = family(id());
    dao.insertFamily(first);
    dao.insertFamily(second);
    dao.insertFamily(endedBefore);
    dao.insertFamily(someoneElse);
    dao.revokeFamily(endedBefore.id(), "logout", 4_000L);

    assertThat(dao.revokeSubject(subject, "credentials", 5_000L)).isEqualTo(2);

    assertThat(dao.findFamily(first.id()).orElseThrow().revokeReason()).isEqualTo("credentials");
    assertThat(dao.findFamily(second.id()).orElseThrow().revokedAt()).isEqualTo(5_000L);
    assertThat(dao.findFamily(endedBefore.id()).orElseThrow().revokeReason()).isEqualTo("logout");
    assertThat(dao.findFamily(someoneElse.id()).orElseThrow().revokedAt()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void extending_a_family_moves_its_expiry(Kind kind) {
    TokenDao dao = dao(kind);
    TokenDao.Family family = family(id());
    dao.insertFamily(family);

    dao.extendFamily(family.id(), 99_000L);

    assertThat(dao.findFamily(family.id()).orElseThrow().expiresAt()).isEqualTo(99_000L);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void auth_state_of_a_live_family_of_an_enabled_user_lets_it_pass(Kind kind) {
    Jdbi jdbi = DBS.jdbi(kind);
    TokenDao dao = jdbi.onDemand(TokenDao.class);
    TokenDao.Family family = family(user(jdbi, false));
    dao.insertFamily(family);

    TokenDao.AuthState state = dao.authState(family.id()).orElseThrow();

    assertThat(state.revokedAt()).isNull();
    assertThat(state.userDisabled()).isFalse();
    assertThat(state.memberKickedAt()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void auth_state_shows_a_disabled_user_and_a_revoked_family(Kind kind) {
    Jdbi jdbi = DBS.jdbi(kind);
    TokenDao dao = jdbi.onDemand(TokenDao.class);
    String userId = user(jdbi, false);
    TokenDao.Family family = family(userId);
    dao.insertFamily(family);

    jdbi.useExtension(UserDao.class, users -> users.updateDisabled(userId, true, 3_000L));
    assertThat(dao.authState(family.id()).orElseThrow().userDisabled()).isTrue();

    dao.revokeFamily(family.id(), "credentials", 4_000L);
    assertThat(dao.authState(family.id()).orElseThrow().revokedAt()).isEqualTo(4_000L);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void auth_state_of_a_family_without_an_account_has_no_disabled_flag(Kind kind) {
    TokenDao dao = dao(kind);
    TokenDao.Family guestLike = family(id());
    dao.insertFamily(guestLike);

    TokenDao.AuthState state = dao.authState(guestLike.id()).orElseThrow();

    assertThat(state.userDisabled()).isNull();
    assertThat(state.revokedAt()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void auth_state_of_an_unknown_family_is_empty(Kind kind) {
    assertThat(dao(kind).authState(id())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void auth_states_of_many_families_at_once_match_each_one_alone(Kind kind) {
    Jdbi jdbi = DBS.jdbi(kind);
    TokenDao dao = jdbi.onDemand(TokenDao.class);
    String disabledUser = user(jdbi, false);
    TokenDao.Family live = family(user(jdbi, false));
    TokenDao.Family disabled = family(disabledUser);
    TokenDao.Family revoked = family(id());
    for (TokenDao.Family f : java.util.List.of(live, disabled, revoked)) {
      dao.insertFamily(f);
    }
    jdbi.useExtension(UserDao.class, users -> users.updateDisabled(disabledUser, true, 3_000L));
    dao.revokeFamily(revoked.id(), "kicked", 4_000L);
    String unknown = id();

    java.util.Map<String, TokenDao.AuthState> states = new java.util.HashMap<>();
    for (TokenDao.FamilyAuthState f :
        dao.authStates(java.util.List.of(live.id(), disabled.id(), revoked.id(), unknown))) {
      states.put(f.familyId(), f.state());
    }

    assertThat(states).containsOnlyKeys(live.id(), disabled.id(), revoked.id());
    for (String familyId : states.keySet()) {
      assertThat(states.get(familyId)).isEqualTo(dao.authState(familyId).orElseThrow());
    }
    assertThat(states.get(disabled.id()).userDisabled()).isTrue();
    assertThat(states.get(revoked.id()).revokedAt()).isEqualTo(4_000L);
  }
}
