package org.samesong.user;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id password hashes (password4j, pure Java). Parameters follow OWASP's minimum for argon2id
 * (19 MiB, 2 iterations, 1 lane); the hash string carries them, so they can grow later.
 */
public class PasswordHasher {
  private static final Argon2Function ARGON2 =
      Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
  // made on first use: it costs an argon2 run, which start-up need not pay
  private volatile String dummyHash;

  public String hash(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
  }

  public boolean verify(String password, String hash) {
    return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
  }

  /** Spends the time of one check so that unknown usernames cannot be told apart by timing. */
  public void verifyNothing(String password) {
    String dummy = dummyHash;
    if (dummy == null) {
      dummy = hash("not a real password, only for timing");
      dummyHash = dummy;
    }
    verify(password, dummy);
  }
}
