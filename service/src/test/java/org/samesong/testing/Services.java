package org.samesong.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's services (PostgreSQL, Redis, Chromium). A test that needs one that is missing is
 * skipped with the reason, unless SAMESONG_REQUIRE_SERVICES=true (as in CI): then it fails.
 */
public final class Services {
  private Services() {}

  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("SAMESONG_REQUIRE_SERVICES"))
        || "true".equalsIgnoreCase(System.getProperty("samesong.requireServices"));
  }

  /** Skips (or, when services are required, fails) unless {@code available}. */
  public static void assume(boolean available, String what) {
    if (available) {
      return;
    }
    if (required()) {
      throw new AssertionError(what + " is not available, and SAMESONG_REQUIRE_SERVICES=true");
    }
    Assumptions.abort(
        what
            + " is not available: test skipped (set SAMESONG_REQUIRE_SERVICES=true to fail instead)");
  }

  public static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
