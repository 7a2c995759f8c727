package org.samesong.media.library;

import org.samesong.testing.TestDatabase;

/** The library scan on H2. */
class LibraryScannerTest extends LibraryScannerContract {
  @Override
  protected TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }
}
