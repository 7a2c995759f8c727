package org.samesong.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The command line of {@link LoadGenerator}. */
final class LoadOptions {
  static final String USAGE =
      """
      usage: java -jar samesong-load.jar --base http://127.0.0.1:18080 --admin-user U --admin-password P
             [--users 16] [--sessions 20] [--warmup 5] [--duration 30] [--decide approve|deny]
             [--max-cycles 5000000] [--max-errors 10000] [--timeout 30] [--server-pid PID] [--clk-tck 100]
             [--label NAME] [--json FILE] [--phase-file FILE]
      Durations in seconds. The base URL must be a loopback address. The phase file, when given,
      holds the current phase: warmup, measure, done.""";

  URI base;
  String adminUser;
  String adminPassword;
  int users = 16;
  int sessions = 20;
  Duration warmup = Duration.ofSeconds(5);
  Duration duration = Duration.ofSeconds(30);
  String decide = "approve";
  long maxCycles = 5_000_000;
  long maxErrors = 10_000;
  Duration requestTimeout = Duration.ofSeconds(30);
  long serverPid;
  int clkTck = 100;
  String label = "samesong";
  Path jsonOut;
  Path phaseFile;

  static LoadOptions parse(String[] args) {
    if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
      throw new IllegalArgumentException("help");
    }
    Args a = Args.parse(args);
    LoadOptions o = new LoadOptions();
    String base = a.string("--base", null);
    o.adminUser = a.string("--admin-user", null);
    o.adminPassword = a.string("--admin-password", null);
    o.users = a.integer("--users", o.users, 1, Integer.MAX_VALUE);
    o.sessions = a.integer("--sessions", o.sessions, 1, Integer.MAX_VALUE);
    o.warmup = Duration.ofSeconds(Math.max(0, a.integer("--warmup", (int) o.warmup.toSeconds())));
    o.duration = Duration.ofSeconds(a.integer("--duration", (int) o.duration.toSeconds(), 1, Integer.MAX_VALUE));
    o.decide = a.string("--decide", o.decide);
    if (!o.decide.equals("approve") && !o.decide.equals("deny")) {
      throw new IllegalArgumentException("--decide must be approve or deny");
    }
    o.maxCycles = a.integer("--max-cycles", (int) o.maxCycles, 1, Integer.MAX_VALUE);
    o.maxErrors = a.integer("--max-errors", (int) o.maxErrors, 1, Integer.MAX_VALUE);
    o.requestTimeout = Duration.ofSeconds(a.integer("--timeout", (int) o.requestTimeout.toSeconds(), 1, Integer.MAX_VALUE));
    o.serverPid = a.longValue("--server-pid", o.serverPid);
    o.clkTck = a.integer("--clk-tck", o.clkTck, 1, Integer.MAX_VALUE);
    o.label = a.string("--label", o.label);
    o.jsonOut = a.path("--json", null);
    o.phaseFile = a.path("--phase-file", null);
    a.rejectUnknown();
    if (base == null || o.adminUser == null || o.adminPassword == null) {
      throw new IllegalArgumentException("--base, --admin-user and --admin-password are required");
    }
    if (o.users > 1024 || o.sessions > 10_000 || o.duration.toSeconds() > 3600 || o.warmup.toSeconds() > 600) {
      throw new IllegalArgumentException("at most 1024 users, 10000 sessions, 3600 s measured and 600 s warm-up");
    }
    o.base = Args.loopbackBase(base);
    return o;
  }
}
