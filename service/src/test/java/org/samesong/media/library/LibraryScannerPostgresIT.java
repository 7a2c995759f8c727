package org.samesong.media.library;

import org.samesong.testing.TestDatabase;

/** The library scan on PostgreSQL (skipped with the reason when none runs here). */
class LibraryScannerPostgresIT extends LibraryScannerContract {
  @Override
  protected TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRES;
  }
}
