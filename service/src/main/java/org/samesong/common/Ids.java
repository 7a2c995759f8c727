package org.samesong.common;

import java.util.UUID;

/** Identifiers: random UUIDs as strings, and validation of ids that arrive in paths. */
public final class Ids {
  private Ids() {}

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** A path id that is not a UUID cannot name anything: 404 instead of a database round trip. */
  public static String requireUuid(String id, String what) {
    if (id == null || id.length() != 36) {
      throw ApiException.notFound(what);
    }
    try {
      return UUID.fromString(id).toString().equals(id.toLowerCase())
          ? id.toLowerCase()
          : fail(what);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(what);
    }
  }

  /** Whether {@code value} is a UUID in its canonical lower-case form (as every id here is). */
  public static boolean isId(String value) {
    if (value == null || value.length() != 36) {
      return false;
    }
    try {
      return UUID.fromString(value).toString().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String fail(String what) {
    throw ApiException.notFound(what);
  }
}
