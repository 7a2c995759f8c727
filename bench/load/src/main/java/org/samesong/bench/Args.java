package org.samesong.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A benchmark's command line: {@code --name value} pairs (the last of a name counts). A benchmark
 * asks for each of its options by name; {@link #rejectUnknown()} then fails on any other, so a
 * misspelt option is an error, not a default.
 */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> asked = new HashSet<>();

  private Args() {}

  static Args parse(String[] args) {
    Args a = new Args();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      a.values.put(args[i], args[i + 1]);
    }
    return a;
  }

  /** What {@code parse} returns, or (when it fails) the error and the usage on stderr and exit status 64. */
  static <T> T orUsage(Supplier<T> parse, String usage) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(usage);
      System.exit(64);
      throw e;
    }
  }

  /** Where the server is, its admin account, and its process for the /proc figures (-1: none given). */
  record Server(String base, String adminUser, String adminPassword, long pid, int clkTck) {}

  /** {@code --base} (default http://127.0.0.1:8080), {@code --admin-user}, {@code --admin-password}, {@code --server-pid}, {@code --clk-tck} (100). */
  Server server() {
    return new Server(
        string("--base", "http://127.0.0.1:8080"),
        string("--admin-user", null),
        string("--admin-password", null),
        longValue("--server-pid", -1),
        integer("--clk-tck", 100));
  }

  String string(String name, String fallback) {
    asked.add(name);
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback) {
    String v = string(name, null);
    return v == null ? fallback : Integer.parseInt(v);
  }

  /** A whole number from {@code min} to {@code max}, with a message that says so otherwise. */
  int integer(String name, int fallback, int min, int max) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          name + (max == Integer.MAX_VALUE ? " must be at least " + min : " must be between " + min + " and " + max));
    }
    return n;
  }

  long longValue(String name, long fallback) {
    String v = string(name, null);
    return v == null ? fallback : Long.parseLong(v);
  }

  Path path(String name, Path fallback) {
    String v = string(name, null);
    return v == null ? fallback : Path.of(v);
  }

  /** Fails on the first option that the benchmark did not ask for. */
  void rejectUnknown() {
    for (String name : values.keySet()) {
      if (!asked.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
    }
  }

  /** {@code --base} as a URI ending in a slash: http:// on this machine (a loopback address) only. */
  static URI loopbackBase(String v) {
    URI base = URI.create(v.endsWith("/") ? v : v + "/");
    if (!"http".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("--base must be an http:// URL");
    }
    try {
      if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException("--base must point at this machine (loopback), not " + base.getHost());
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + base.getHost());
    }
    return base;
  }
}
