package org.samesong.common;

import java.util.function.Supplier;

/**
 * Whom the stream URLs made on this thread are for: a session member's URLs carry its id under the
 * signature, so that they stop working the moment it is kicked. Set around the work that answers
 * one member (a REST request by {@link StreamAudienceFilter}, a WebSocket message, a join), and
 * cleared (nobody) around what is built once for many (a broadcast, which each connection then
 * binds to its own member).
 */
public final class StreamAudience {
  private static final ThreadLocal<String> MEMBER = new ThreadLocal<>();

  private StreamAudience() {}

  /** Runs {@code work} making stream URLs for {@code memberId} (null: for nobody in particular). */
  public static <T> T of(String memberId, Supplier<T> work) {
    String before = MEMBER.get();
    set(memberId);
    try {
      return work.get();
    } finally {
      set(before);
    }
  }

  /** Runs {@code work} making stream URLs bound to no member (what a broadcast carries). */
  public static <T> T nobody(Supplier<T> work) {
    return of(null, work);
  }

  /** The member the stream URLs made now are for, or null. */
  public static String member() {
    return MEMBER.get();
  }

  static void set(String memberId) {
    if (memberId == null) {
      MEMBER.remove();
    } else {
      MEMBER.set(memberId);
    }
  }
}
