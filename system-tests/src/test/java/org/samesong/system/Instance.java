package org.samesong.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.samesong.testing.TestServer;

/**
 * One Samesong server as its own process: {@code java -jar server/target/samesong.jar server
 * config.yml} with the repository's config.yml, configured only through the SAMESONG_* environment
 * variables a real deployment uses. Its output goes to a log file that tests read.
 *
 * <p>{@link #kill()} is {@code kill -9}; {@link #start()} again starts a new process on the same
 * ports, data folder and database, as an operator's restart would.
 */
public final class Instance implements AutoCloseable {
  /**
   * The jar the server module built (system tests run after its package phase), or the one the
   * {@code samesong.jar} system property names (e.g. an older build, to show a test fails on it).
   */
  public static final Path JAR =
      Path.of(System.getProperty("samesong.jar", "../server/target/samesong.jar")).toAbsolutePath();

  public static final Path CONFIG = Path.of("..", "config.yml").toAbsolutePath();
  public static final String JWT_SECRET = "system-test-secret-system-test-secret-0123456789";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int httpPort;
  private final int adminPort;
  private final Path dataDir;
  private final Path log;
  private final Map<String, String> env;
  private Process process;

  private Instance(String name, Path dataDir, Map<String, String> extraEnv) {
    this.name = name;
    this.httpPort = freePort();
    this.adminPort = freePort();
    this.dataDir = dataDir;
    this.log = dataDir.resolve(name + ".log");
    this.env = new LinkedHashMap<>();
    env.put("SAMESONG_HTTP_PORT", Integer.toString(httpPort));
    env.put("SAMESONG_ADMIN_PORT", Integer.toString(adminPort));
    env.put("SAMESONG_DATA_DIR", dataDir.toString());
    env.put("SAMESONG_JWT_SECRET", JWT_SECRET);
    env.put("SAMESONG_ADMIN_USER", TestServer.ADMIN);
    env.put("SAMESONG_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
    env.putAll(extraEnv);
  }

  /**
   * An instance (not started yet) with its own data folder under {@code root}; {@code env} adds or
   * overrides SAMESONG_* variables (database, Redis, public URL...).
   */
  public static Instance create(String name, Path root, Map<String, String> env) {
    try {
      return new Instance(name, Files.createDirectories(root.resolve(name)), env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the process and waits until its API answers (at most two minutes on a busy machine). */
  public Instance start() {
    if (!Files.isRegularFile(JAR)) {
      throw new AssertionError(JAR + " is missing: the system tests run in `./mvnw verify`");
    }
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-jar");
    command.add(JAR.toString());
    command.add("server");
    command.add(CONFIG.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(key -> key.startsWith("SAMESONG_"));
    builder.environment().putAll(env);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofMinutes(2));
    return this;
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " while starting:\n" + logTail(60));
      }
      if (status(uri("/api/time")) == 200) {
        return;
      }
      sleep(200);
    }
    // the caller never gets this instance to stop: no JVM may outlive the test
    kill();
    throw new AssertionError(name + " did not answer within " + timeout + ":\n" + logTail(60));
  }

  /** {@code kill -9}: no shutdown hook, no flush, no goodbye to the WebSocket clients. */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** A clean stop (SIGTERM), as {@code docker stop} would. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitFor();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public String name() {
    return name;
  }

  public int httpPort() {
    return httpPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** {@code http://127.0.0.1:<port>} + path, on the application port. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** {@code http://127.0.0.1:<admin port>} + path (health checks, metrics, tasks). */
  public URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }

  /** Everything the process has written so far (both runs, after a restart). */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public String toString() {
    return name + " (http " + httpPort + ", admin " + adminPort + ")";
  }

  /** A GET with its body (e.g. {@code adminUri("/healthcheck")}); fails when nothing answers. */
  public static HttpResponse<String> get(URI uri) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The HTTP status of a GET, or -1 when nothing answers. */
  static int status(URI uri) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
