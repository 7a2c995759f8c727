package org.samesong.user;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Accounts. Usernames are stored lower-case. */
@RegisterConstructorMapper(UserDao.Row.class)
public interface UserDao {
  record Row(
      String id,
      String username,
      String passwordHash,
      String role,
      boolean disabled,
      long createdAt,
      long updatedAt) {
    User toUser() {
      return new User(id, username, role, disabled, createdAt);
    }
  }

  @SqlUpdate(
      """
      INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
      VALUES (:id, :username, :passwordHash, :role, :disabled, :createdAt, :updatedAt)
      """)
  void insert(@BindMethods Row row);

  @SqlQuery("SELECT * FROM users WHERE id = :id")
  Optional<Row> findById(@Bind("id") String id);

  @SqlQuery("SELECT * FROM users WHERE username = :username")
  Optional<Row> findByUsername(@Bind("username") String username);

  @SqlQuery("SELECT * FROM users ORDER BY username")
  List<Row> list();

  @SqlQuery("SELECT COUNT(*) FROM users")
  long count();

  @SqlQuery("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE")
  long countActiveAdmins();

  @SqlUpdate(
      """
      UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id
      """)
  int updatePassword(@Bind("id") String id, @Bind("hash") String hash, @Bind("now") long now);

  @SqlUpdate(
      """
      UPDATE users SET disabled = :disabled, updated_at = :now WHERE id = :id
      """)
  int updateDisabled(
      @Bind("id") String id, @Bind("disabled") boolean disabled, @Bind("now") long now);

  @SqlUpdate(
      """
      UPDATE users SET role = :role, updated_at = :now WHERE id = :id
      """)
  int updateRole(@Bind("id") String id, @Bind("role") String role, @Bind("now") long now);
}
