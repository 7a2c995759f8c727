package org.samesong.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.testing.DatabasePerKind;
import org.samesong.testing.TestDatabase.Kind;

/** {@link SettingsDao} on the real changelog, on H2 and on PostgreSQL. */
class SettingsDaoTest {
  @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();

  private static SettingsDao dao(Kind kind) {
    return DBS.jdbi(kind).onDemand(SettingsDao.class);
  }

  private static String key() {
    return "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  private static SettingsDao.Row stored(SettingsDao dao, String key) {
    return dao.all().stream().filter(r -> r.settingKey().equals(key)).findFirst().orElse(null);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_fresh_database_stores_no_setting_so_every_one_has_its_default(Kind kind) {
    try (var fresh = kind.create()) {
      assertThat(fresh.jdbi().onDemand(SettingsDao.class).all()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void inserted_value_is_read_back_as_it_was_written(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();
    String json = "[\"/srv/música/ünïcode\",\"/mnt/a b\"]";

    dao.insert(key, json, 1_000L);

    assertThat(stored(dao, key)).isEqualTo(new SettingsDao.Row(key, json, 1_000L));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void update_changes_value_and_time_of_an_existing_key_only(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();
    String other = key();
    dao.insert(key, "1", 1_000L);
    dao.insert(other, "2", 1_000L);

    assertThat(dao.update(key, "5", 2_000L)).isEqualTo(1);

    assertThat(stored(dao, key)).isEqualTo(new SettingsDao.Row(key, "5", 2_000L));
    assertThat(stored(dao, other)).isEqualTo(new SettingsDao.Row(other, "2", 1_000L));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void update_of_a_missing_key_changes_nothing_so_the_caller_inserts(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();

    assertThat(dao.update(key, "5", 2_000L)).isZero();
    assertThat(stored(dao, key)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_key_is_stored_once(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();
    dao.insert(key, "1", 1_000L);

    assertThatThrownBy(() -> dao.insert(key, "2", 2_000L))
        .isInstanceOf(UnableToExecuteStatementException.class);
    assertThat(stored(dao, key).settingValue()).isEqualTo("1");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void delete_removes_the_row_once(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();
    dao.insert(key, "true", 1_000L);

    assertThat(dao.delete(key)).isEqualTo(1);
    assertThat(dao.delete(key)).isZero();
    assertThat(stored(dao, key)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void values_up_to_4000_characters_fit(Kind kind) {
    SettingsDao dao = dao(kind);
    String key = key();
    String big = "\"" + "x".repeat(3_998) + "\"";

    dao.insert(key, big, 1_000L);

    assertThat(stored(dao, key).settingValue()).isEqualTo(big);
  }
}
