package org.samesong.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.samesong.testing.Services;

/**
 * A Redis server of the test's own (Debian's {@code redis-server} on a free port, nothing saved),
 * so a test can stop and start it without disturbing the machine's Redis that other tests use.
 */
public final class PrivateRedis implements AutoCloseable {
  private static final Path SERVER = Path.of("/usr/bin/redis-server");

  private final int port = Instance.freePort();
  private final Path log;
  private Process process;

  private PrivateRedis(Path log) {
    this.log = log;
  }

  /** Starts one; skips (or fails, when services are required) without redis-server. */
  public static PrivateRedis start(Path root) {
    Services.assume(Files.isExecutable(SERVER), "redis-server (apt-get install -y redis-server)");
    return new PrivateRedis(root.resolve("redis-" + System.nanoTime() + ".log")).start();
  }

  public PrivateRedis start() {
    try {
      process =
          new ProcessBuilder(
                  SERVER.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!Services.listening("127.0.0.1", port)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new AssertionError("redis-server on port " + port + " did not start; see " + log);
      }
      Instance.sleep(50);
    }
    return this;
  }

  /** Stops the server (its data is gone: nothing is saved, as in production's pub/sub use). */
  public void stop() {
    Processes.stop(process);
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    stop();
  }
}
