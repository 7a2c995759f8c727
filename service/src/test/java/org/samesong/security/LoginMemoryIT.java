package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Api;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The outside review's memory attack on the login form: gzip'd logins with megabyte usernames, each
 * of which became a rate-limit key kept for ten minutes (21 KB sent per 10 MB retained). The login
 * limits are lifted here as an attacker with many addresses would have them; the retained heap must
 * stay flat, because an overlong username is refused before anything keeps it.
 */
class LoginMemoryIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final int LOGINS = 100;
  private static final int USERNAME_BYTES = 1_000_000;

  @Test
  void logins_with_megabyte_usernames_leave_the_heap_as_it_was() throws Exception {
    Api api = Api.of(APP);
    String admin = api.adminToken();
    assertThat(api.patch("admin/settings", Map.of("logins_per_minute", 1_000_000), admin).status())
        .isEqualTo(200);
    HttpClient http = HttpClient.newHttpClient();
    // warm up the path (classes, caches) before the baseline
    for (int i = 0; i < 20; i++) {
      send(http, gzipLogin("warm-up-" + i));
    }
    long before = retainedHeap();

    int refused = 0;
    long sent = 0;
    for (int i = 0; i < LOGINS; i++) {
      // a different name each time, as an attacker would send (distinct keys)
      byte[] body = gzipLogin(i + "-" + "a".repeat(USERNAME_BYTES));
      sent += body.length;
      HttpResponse<String> r = send(http, body);
      if (r.statusCode() == 400) {
        assertThat(r.body()).contains("username").contains("at most 64 characters");
        refused++;
      }
    }
    long after = retainedHeap();

    long grownMb = (after - before) / (1024 * 1024);
    // before the fix: ~1 MB retained per login (100 MB here) for ~1 KB sent each (%d bytes in all)
    assertThat(grownMb)
        .as("heap retained after %d logins (%d bytes sent): %d MB", LOGINS, sent, grownMb)
        .isLessThan(20);
    assertThat(refused).as("refused as too long").isEqualTo(LOGINS);
  }

  private static HttpResponse<String> send(HttpClient http, byte[] gzipBody) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + APP.getLocalPort() + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] gzipLogin(String username) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(
          ("{\"username\":\"" + username + "\",\"password\":\"wrong-password\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** The heap in use after full collections (what is still referenced). */
  private static long retainedHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
