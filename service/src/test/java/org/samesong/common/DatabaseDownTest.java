package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseDownTest {
  /** What Jdbi throws: its own exception with the driver's as the cause. */
  private static RuntimeException wrapped(SQLException e) {
    return new IllegalStateException("Unable to execute, no connection", e);
  }

  @Test
  void a_refused_closed_or_terminated_connection_is_the_database_being_down() {
    // PostgreSQL driver: connection refused, connection closed, admin shutdown, starting up
    assertThat(DatabaseDown.is(wrapped(new SQLException("refused", "08001")))).isTrue();
    assertThat(DatabaseDown.is(wrapped(new SQLException("closed", "08003")))).isTrue();
    assertThat(DatabaseDown.is(wrapped(new SQLException("terminating", "57P01")))).isTrue();
    assertThat(DatabaseDown.is(wrapped(new SQLException("starting up", "57P03")))).isTrue();
    assertThat(DatabaseDown.is(new SQLTransientConnectionException("pool timeout"))).isTrue();
    assertThat(DatabaseDown.is(wrapped(new SQLNonTransientConnectionException("gone")))).isTrue();
  }

  @Test
  void bad_sql_conflicts_and_our_own_bugs_are_not() {
    assertThat(DatabaseDown.is(wrapped(new SQLException("duplicate", "23505")))).isFalse();
    assertThat(DatabaseDown.is(wrapped(new SQLException("syntax", "42601")))).isFalse();
    assertThat(DatabaseDown.is(wrapped(new SQLException("no state")))).isFalse();
    assertThat(DatabaseDown.is(new NullPointerException())).isFalse();
  }

  @Test
  void the_refusal_is_503_unavailable_with_retry_after() {
    ApiException refusal = DatabaseDown.refusal();

    assertThat(refusal.status()).isEqualTo(503);
    assertThat(refusal.code()).isEqualTo("unavailable");
    assertThat(refusal.headers()).containsEntry("Retry-After", "5");
  }
}
