package org.samesong.testing;

import java.util.EnumMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One migrated database per {@link TestDatabase.Kind} for a whole test class, created on first use
 * and dropped after the class, so that tests parameterised over the kind do not migrate a database
 * each. A missing PostgreSQL skips (or, when services are required, fails) only the PostgreSQL
 * invocations. Tests sharing a database use their own rows.
 *
 * <pre>{@code @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();}</pre>
 */
public final class DatabasePerKind implements AfterAllCallback {
  private final Map<TestDatabase.Kind, TestDatabase> databases =
      new EnumMap<>(TestDatabase.Kind.class);

  public synchronized TestDatabase get(TestDatabase.Kind kind) {
    TestDatabase db = databases.get(kind);
    if (db == null) {
      db = kind.create();
      databases.put(kind, db);
    }
    return db;
  }

  public Jdbi jdbi(TestDatabase.Kind kind) {
    return get(kind).jdbi();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    databases.values().forEach(TestDatabase::close);
    databases.clear();
  }
}
