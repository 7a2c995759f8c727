package org.samesong.session;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/** Invite codes: 6 characters of an alphabet without look-alikes (no 0/O, no 1/I). */
public final class InviteCodes {
  static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  static final int LENGTH = 6;
  private static final Pattern VALID = Pattern.compile("[" + ALPHABET + "]{6,8}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private InviteCodes() {}

  public static String next() {
    StringBuilder code = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** A typed code, upper-cased with spaces and dashes removed; null when it cannot be a code. */
  public static String normalise(String typed) {
    if (typed == null) {
      return null;
    }
    String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    return VALID.matcher(code).matches() ? code : null;
  }
}
