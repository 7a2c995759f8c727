package org.samesong.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.samesong.testing.Services;

/**
 * A PostgreSQL cluster of the test's own (Debian's server binaries: {@code initdb}, {@code pg_ctl})
 * on a free port in a temporary folder, so a test can stop and restart the database without
 * disturbing the machine's PostgreSQL that other tests use. As root (CI), the binaries run as the
 * {@code postgres} user, since PostgreSQL refuses to run as root.
 */
public final class PrivatePostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port = Instance.freePort();
  private final boolean asRoot = "root".equals(System.getProperty("user.name"));

  private PrivatePostgres(Path bin, Path dir) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
  }

  /** Creates and starts a cluster; skips (or fails, when services are required) without one. */
  public static PrivatePostgres create() {
    Optional<Path> bin = serverBinaries();
    Services.assume(
        bin.isPresent(), "PostgreSQL's server binaries (apt-get install -y postgresql)");
    try {
      Path dir = Files.createTempDirectory("samesong-pg");
      PrivatePostgres pg = new PrivatePostgres(bin.orElseThrow(), dir);
      if (pg.asRoot) {
        run(List.of("chown", "postgres:postgres", dir.toString()));
      }
      pg.as(
          pg.bin.resolve("initdb").toString(),
          "-D",
          pg.data.toString(),
          "-U",
          "postgres",
          "-A",
          "trust",
          "-E",
          "UTF8",
          "--no-sync");
      return pg.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the cluster (again) on the same port and data; waits until it accepts connections. */
  public PrivatePostgres start() {
    as(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
        "-w",
        "-t",
        "60",
        "start");
    return this;
  }

  /** A fast shutdown: open connections are closed, as in a restart for maintenance. */
  public void stop() {
    as(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
  }

  public boolean isRunning() {
    return Services.listening("127.0.0.1", port);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return "postgres";
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    if (isRunning()) {
      stop();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  private void as(String... command) {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    run(full);
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> serverBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
