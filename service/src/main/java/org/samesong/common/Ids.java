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

  private static String fail(String what) {
    throw ApiException.notFound(what);
  }
}
