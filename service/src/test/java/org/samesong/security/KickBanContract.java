package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * A kick with ban (issue 15, item 9): {@code DELETE …/members/{id}?ban=true} keeps the guest's
 * browser (its {@code samesong_device} cookie, set by the join) and its address (IPv6: the whole
 * /64) out of that session, whatever name it comes back under: 403 {@code banned}; other browsers
 * from other addresses, and other sessions, are not touched; a kick without ban lets the guest
 * back. Client addresses come from {@code X-Forwarded-For} (the server runs as behind a proxy). Run
 * on H2 by {@link KickBanIT} and on PostgreSQL by {@link KickBanPostgresIT}.
 */
abstract class KickBanContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;

  @BeforeEach
  void session() {
    fx = SessionFixtures.of(app());
    host = fx.newSession();
  }

  /** A join's answer: status, body and the device cookie it set (null: none). */
  record Joined(int status, JsonNode body, String setCookie) {
    String code() {
      return body.path("error").path("code").asText();
    }

    String memberId() {
      return body.path("member_id").asText();
    }
  }

  private Joined join(String code, String address, String device) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + app().getLocalPort() + "/api/sessions/" + code + "/join"))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", address)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"display_name\":\"" + TestServer.uniqueName("g") + "\"}"));
    if (device != null) {
      request.header("Cookie", "samesong_device=" + device);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Joined(
          response.statusCode(),
          JSON.readTree(response.body()),
          response.headers().firstValue("Set-Cookie").orElse(null));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Reply kick(Host h, String memberId, boolean ban) {
    return app()
        .delete(
            "sessions/" + h.sessionId() + "/members/" + memberId + (ban ? "?ban=true" : ""),
            h.token());
  }

  private static String device() {
    return UUID.randomUUID().toString();
  }

  @Test
  void a_join_gives_a_browser_without_one_a_device_cookie() {
    Joined first = join(host.code(), "198.51.100.7", null);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.setCookie())
        .startsWith("samesong_device=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Lax");
    String device = first.setCookie().substring("samesong_device=".length()).split(";")[0];
    assertThat(device).matches("[0-9a-f-]{36}");
    // a browser that has one keeps it
    assertThat(join(host.code(), "198.51.100.7", device).setCookie()).isNull();
  }

  @Test
  void a_banned_guests_browser_and_address_are_kept_out_under_any_name() {
    String browser = device();
    Joined guest = join(host.code(), "203.0.113.10", browser);
    assertThat(guest.status()).isEqualTo(200);
    String token = guest.body().path("token").asText();

    assertThat(kick(host, guest.memberId(), true).status()).isEqualTo(204);

    // its token stops at once
    assertThat(app().get("sessions/" + host.sessionId(), token).status()).isEqualTo(401);
    // the same browser from another address, another browser from the same address
    Joined sameBrowser = join(host.code(), "192.0.2.99", browser);
    assertThat(sameBrowser.status()).isEqualTo(403);
    assertThat(sameBrowser.code()).isEqualTo("banned");
    assertThat(join(host.code(), "203.0.113.10", device()).code()).isEqualTo("banned");
    assertThat(join(host.code(), "203.0.113.10", null).code()).isEqualTo("banned");
    // someone else is welcome, and the banned browser in another session too
    assertThat(join(host.code(), "192.0.2.98", device()).status()).isEqualTo(200);
    Host other = fx.newSession();
    assertThat(join(other.code(), "203.0.113.10", browser).status()).isEqualTo(200);
    // the roster does not list the banned guest
    List<String> members =
        fx.session(host).path("members").findValuesAsText("member_id").stream().toList();
    assertThat(members).doesNotContain(guest.memberId());
  }

  @Test
  void an_ipv6_ban_covers_the_whole_slash_64() {
    Joined guest = join(host.code(), "2001:db8:aa:bb::1", device());
    assertThat(kick(host, guest.memberId(), true).status()).isEqualTo(204);

    assertThat(join(host.code(), "2001:db8:aa:bb:ffff:1:2:3", device()).code()).isEqualTo("banned");
    assertThat(join(host.code(), "2001:db8:aa:bc::1", device()).status()).isEqualTo(200);
  }

  @Test
  void a_kick_without_ban_lets_the_guest_back_and_only_the_host_bans() {
    String browser = device();
    Joined guest = join(host.code(), "198.51.100.20", browser);
    Joined bystander = join(host.code(), "198.51.100.21", device());

    // a guest cannot ban anyone
    Reply byGuest =
        app()
            .delete(
                "sessions/" + host.sessionId() + "/members/" + bystander.memberId() + "?ban=true",
                guest.body().path("token").asText());
    assertThat(byGuest.status()).isEqualTo(403);
    assertThat(kick(host, guest.memberId(), false).status()).isEqualTo(204);

    assertThat(join(host.code(), "198.51.100.20", browser).status()).isEqualTo(200);
    assertThat(join(host.code(), "198.51.100.21", null).status()).isEqualTo(200);
  }
}
