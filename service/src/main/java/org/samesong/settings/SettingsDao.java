package org.samesong.settings;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Stored setting values; a key without a row has its default. */
@RegisterConstructorMapper(SettingsDao.Row.class)
public interface SettingsDao {
  record Row(String settingKey, String settingValue, long updatedAt) {}

  @SqlQuery("SELECT setting_key, setting_value, updated_at FROM settings")
  List<Row> all();

  @SqlUpdate(
      """
      UPDATE settings SET setting_value = :value, updated_at = :now WHERE setting_key = :key
      """)
  int update(@Bind("key") String key, @Bind("value") String value, @Bind("now") long now);

  @SqlUpdate(
      """
      INSERT INTO settings (setting_key, setting_value, updated_at) VALUES (:key, :value, :now)
      """)
  void insert(@Bind("key") String key, @Bind("value") String value, @Bind("now") long now);

  @SqlUpdate("DELETE FROM settings WHERE setting_key = :key")
  int delete(@Bind("key") String key);
}
