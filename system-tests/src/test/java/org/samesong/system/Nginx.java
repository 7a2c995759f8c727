package org.samesong.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.samesong.testing.Services;

/**
 * Debian's nginx running the shipped {@code deploy/nginx/samesong.conf} in front of {@link
 * Instance}s, as the official nginx image runs it in the compose file: the file is included inside
 * {@code http {}} of a minimal main configuration, and {@code samesong-upstreams.conf} beside it
 * lists the instances (their loopback ports here, the compose services there).
 *
 * <p>Only what differs on this machine is replaced in the shipped file, each replacement checked to
 * apply exactly as often as expected (so a changed file fails loudly instead of being half tested):
 * the listening ports (free loopback ports instead of 443 and 80), the certificate folder and the
 * access log's path. nginx runs in the foreground ({@code daemon off}) with its own prefix, pid
 * file, logs and temporary folders.
 */
public final class Nginx implements AutoCloseable {
  /** The configuration deploy/ ships. */
  public static final Path SHIPPED =
      Path.of("..", "deploy", "nginx", "samesong.conf").toAbsolutePath().normalize();

  private static final List<Path> CANDIDATES =
      List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));

  /** One line of the shipped {@code samesong} log format. */
  public record Logged(
      String method, String path, int status, String upstream, String userAgent, String line) {}

  private static final Pattern LINE =
      Pattern.compile(
          "^\\S+ \\[[^]]+] \"(\\S+) (\\S+) \\S+\" (\\d{3}) \\d+ \\S+ \"([^\"]*)\" .*\"([^\"]*)\"$");

  private final Path binary;
  private final Path dir;
  private final int httpsPort = Instance.freePort();
  private final int httpPort = Instance.freePort();
  private String configTest;
  private Process process;

  private Nginx(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
  }

  /** Debian's nginx binary (also outside the PATH: /usr/sbin is not on every user's). */
  public static Optional<Path> binary() {
    Stream<Path> onPath =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(p -> !p.isEmpty())
            .map(p -> Path.of(p, "nginx"));
    return Stream.concat(CANDIDATES.stream(), onPath).filter(Files::isExecutable).findFirst();
  }

  /**
   * Writes the configuration (the shipped file, the instances as upstreams, the certificate in
   * {@code certDir}), checks it with {@code nginx -t} and starts nginx; skips (or fails, when
   * services are required) without nginx.
   */
  public static Nginx start(Path certDir, List<Instance> instances) {
    Optional<Path> binary = binary();
    Services.assume(binary.isPresent(), "Debian's nginx (apt-get install -y nginx)");
    try {
      // world-readable: as root, nginx's workers run as nobody and write temporary files here
      Path dir =
          Files.createTempDirectory(
              "samesong-nginx", PosixFilePermissions.asFileAttribute(rwxrxrx()));
      Files.createDirectories(dir.resolve("temp"));
      Files.setPosixFilePermissions(dir.resolve("temp"), rwxrxrx());
      Nginx nginx = new Nginx(binary.orElseThrow(), dir);
      nginx.writeConfiguration(certDir, instances);
      nginx.configTest = nginx.checkConfiguration();
      return nginx.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> rwxrxrx() {
    return PosixFilePermissions.fromString("rwxr-xr-x");
  }

  private void writeConfiguration(Path certDir, List<Instance> instances) throws IOException {
    String conf = Files.readString(SHIPPED, StandardCharsets.UTF_8);
    conf = replace(conf, "listen 443 ssl;", "listen 127.0.0.1:" + httpsPort + " ssl;", 1);
    conf = replace(conf, "listen 80;", "listen 127.0.0.1:" + httpPort + ";", 1);
    conf = replace(conf, "/etc/nginx/certs/", certDir.toAbsolutePath() + "/", 2);
    conf = replace(conf, "/var/log/nginx/access.log", dir.resolve("access.log").toString(), 2);
    conf = replace(conf, "/var/log/nginx/error.log", dir.resolve("error.log").toString(), 2);
    Files.writeString(dir.resolve("samesong.conf"), conf);

    StringBuilder upstreams = new StringBuilder("# the test's instances\n");
    for (Instance instance : instances) {
      upstreams
          .append("server 127.0.0.1:")
          .append(instance.httpPort())
          .append(" max_fails=1 fail_timeout=10s;\n");
    }
    Files.writeString(dir.resolve("samesong-upstreams.conf"), upstreams);

    boolean root = "root".equals(System.getProperty("user.name"));
    Path temp = dir.resolve("temp");
    String main =
        String.join(
            "\n",
            "# the official image's nginx.conf, reduced: samesong.conf inside http {}",
            "worker_processes 1;",
            // Debian has no group "nobody", nginx's default for its workers
            root ? "user nobody nogroup;" : "",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " notice;",
            "events { worker_connections 1024; }",
            "http {",
            "    client_body_temp_path " + temp.resolve("body") + ";",
            "    proxy_temp_path " + temp.resolve("proxy") + ";",
            "    fastcgi_temp_path " + temp.resolve("fastcgi") + ";",
            "    uwsgi_temp_path " + temp.resolve("uwsgi") + ";",
            "    scgi_temp_path " + temp.resolve("scgi") + ";",
            "    include samesong.conf;",
            "}",
            "");
    Files.writeString(dir.resolve("nginx.conf"), main);
  }

  private static String replace(String text, String from, String to, int times) {
    int found = 0;
    for (int i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + from.length())) {
      found++;
    }
    if (found != times) {
      throw new AssertionError(
          SHIPPED + ": expected '" + from + "' " + times + " time(s), found it " + found);
    }
    return text.replace(from, to);
  }

  private List<String> command(String... more) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("-p");
    command.add(dir + "/");
    command.add("-c");
    command.add(dir.resolve("nginx.conf").toString());
    command.addAll(List.of(more));
    return command;
  }

  /** {@code nginx -t}: its output; fails when nginx finds the configuration wrong. */
  private String checkConfiguration() throws IOException {
    Process check = new ProcessBuilder(command("-t")).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
        throw new AssertionError("nginx -t refused the configuration:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return output;
  }

  private Nginx run() throws IOException {
    process =
        new ProcessBuilder(command("-g", "daemon off;"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!Services.listening("127.0.0.1", httpsPort)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        Processes.stop(process);
        throw new AssertionError("nginx did not start:\n" + errors());
      }
      Instance.sleep(50);
    }
    return this;
  }

  /** What {@code nginx -t} said about the configuration. */
  public String configTest() {
    return configTest;
  }

  /** {@code https://127.0.0.1:<port>} + path. */
  public URI uri(String path) {
    return URI.create("https://127.0.0.1:" + httpsPort + path);
  }

  public int httpsPort() {
    return httpsPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The access log so far (a request is written when it ends: a WebSocket when it closes). */
  public List<Logged> accessLog() {
    Path log = dir.resolve("access.log");
    try {
      if (!Files.exists(log)) {
        return List.of();
      }
      List<Logged> lines = new ArrayList<>();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("not in the samesong log format: " + line);
        }
        lines.add(
            new Logged(
                m.group(1),
                m.group(2),
                Integer.parseInt(m.group(3)),
                m.group(4),
                m.group(5),
                line));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** nginx's error log and output. */
  public String errors() {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("error.log", "nginx.out")) {
      Path file = dir.resolve(name);
      try {
        if (Files.exists(file)) {
          text.append("--- ").append(name).append('\n').append(Files.readString(file));
        }
      } catch (IOException e) {
        text.append(e);
      }
    }
    return text.toString();
  }

  /** {@code 127.0.0.1:<port>} as {@code $upstream_addr} names an instance. */
  public static String upstreamOf(Instance instance) {
    return "127.0.0.1:" + instance.httpPort();
  }

  /** A fast shutdown (SIGTERM); the folder goes with it. */
  @Override
  public void close() {
    Processes.stop(process);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
