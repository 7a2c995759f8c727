package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;

/**
 * The building blocks of the system tests, end to end: two jar processes on a private PostgreSQL
 * and a private Redis report healthy, share one database, and come back after a restart.
 */
class ClusterProcessesIT {
  @TempDir static Path root;
  static PrivatePostgres pg;
  static PrivateRedis redis;
  static Instance a;
  static Instance b;
  static final Client CLIENT = Api.newClient(null);

  @BeforeAll
  static void start() {
    pg = PrivatePostgres.create();
    redis = PrivateRedis.start(root);
    Map<String, String> env =
        Map.of(
            "SAMESONG_DB_URL", pg.jdbcUrl(),
            "SAMESONG_DB_USER", pg.user(),
            "SAMESONG_REDIS_URL", redis.url());
    a = Instance.create("a", root, env).start();
    b = Instance.create("b", root, env).start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, redis, pg}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }

  @Test
  void both_instances_report_healthy_and_share_the_database() throws Exception {
    for (Instance i : new Instance[] {a, b}) {
      assertThat(Instance.status(i.adminUri("/healthcheck"))).as("%s health", i).isEqualTo(200);
    }
    Api onA = new Api(CLIENT, a::httpPort);
    Api onB = new Api(CLIENT, b::httpPort);
    Reply created = onA.post("sessions", Map.of("name", "shared"), onA.adminToken());
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    JsonNode session = onB.get("sessions/" + created.text("id"), created.text("host_token")).json();
    assertThat(session.path("name").asText()).isEqualTo("shared");
  }
}
