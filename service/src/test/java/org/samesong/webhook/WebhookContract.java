package org.samesong.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WebhookReceiver;
import org.samesong.testing.WebhookReceiver.Received;

/**
 * Webhooks to real HTTP receivers on loopback: each session event arrives once, signed with the
 * secret the admin sees; a receiver that answers 500 three times gets the event on the fourth try
 * (the test clock moves through the backoff); a private address is refused unless {@code
 * allow_private_urls}; a slow receiver delays only itself; a dead one is probed once per backoff
 * step; the secret rotates; a test event reaches every URL. Run on H2 by {@link WebhookIT} and on
 * PostgreSQL by {@link WebhookPostgresIT}.
 */
abstract class WebhookContract {
  private static final Duration WAIT = Duration.ofSeconds(15);

  abstract TestServer app();

  private SessionFixtures fx;
  private WebhookReceiver receiver;

  @BeforeEach
  void receiver() {
    fx = SessionFixtures.of(app());
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void stop() {
    fx.settings(Map.of("webhook_urls", List.of(), "allow_private_urls", false));
    receiver.close();
  }

  private void hooks(boolean allowPrivate, String... urls) {
    fx.settings(Map.of("webhook_urls", List.of(urls), "allow_private_urls", allowPrivate));
  }

  private static Predicate<Received> of(String event, String sessionId) {
    return r -> r.event().equals(event) && sessionId.equals(r.json().path("session_id").asText());
  }

  @Test
  void each_session_event_arrives_once_signed_with_the_shown_secret() {
    hooks(true, receiver.url());
    Host host = fx.newSession();
    String sid = host.sessionId();
    fx.addItems(host, 2);
    Guest guest = fx.join(host, "Ada");
    String request = fx.requestAdd(guest, fx.track(0));
    fx.approve(request, host.token());
    fx.command(host, "play");
    assertThat(
            app().delete("sessions/" + sid + "/members/" + guest.memberId(), host.token()).status())
        .isEqualTo(204);
    assertThat(app().delete("sessions/" + sid, host.token()).status()).isEqualTo(204);

    for (String event :
        List.of(
            "session_created",
            "member_joined",
            "request_created",
            "request_decided",
            "track_started",
            "member_left",
            "session_ended")) {
      receiver.await(of(event, sid), 1, WAIT);
    }
    String secret = status().path("signing_secret").asText();
    assertThat(secret).startsWith("whsec_");
    List<Received> all =
        receiver.received().stream()
            .filter(r -> sid.equals(r.json().path("session_id").asText()))
            .toList();
    assertThat(all)
        .extracting(Received::event)
        .containsExactlyInAnyOrder(
            "session_created",
            "member_joined",
            "request_created",
            "request_decided",
            "track_started",
            "member_left",
            "session_ended");
    for (Received r : all) {
      assertThat(r.signature()).isEqualTo("sha256=" + hmac(secret, r.body()));
      assertThat(r.eventId()).isEqualTo(r.json().path("event_id").asText());
    }
    JsonNode joined = receiver.await(of("member_joined", sid), 1, WAIT).get(0).json();
    assertThat(joined.at("/data/display_name").asText()).isEqualTo("Ada");
    assertThat(joined.path("at").asText()).endsWith("Z");
    JsonNode decided = receiver.await(of("request_decided", sid), 1, WAIT).get(0).json();
    assertThat(decided.at("/data/status").asText()).isEqualTo("approved");
    JsonNode started = receiver.await(of("track_started", sid), 1, WAIT).get(0).json();
    assertThat(started.at("/data/title").asText()).isEqualTo(fx.track(0).title());

    JsonNode url = status().path("urls").get(0);
    assertThat(url.path("url").asText()).isEqualTo(receiver.url());
    assertThat(url.path("last_status").asInt()).isEqualTo(200);
    assertThat(url.path("failures").asInt()).isZero();
  }

  @Test
  void a_receiver_that_fails_three_times_gets_the_event_on_the_fourth_try() {
    hooks(true, receiver.url());
    receiver.failNext(3);
    Host host = fx.newSession();
    Predicate<Received> created = of("session_created", host.sessionId());
    for (int attempt = 1; attempt <= 3; attempt++) {
      receiver.await(created, attempt, WAIT);
      int failed = attempt;
      awaitStatus(u -> u.path("failures").asInt() == failed);
      // the backoff: 1 s, 2 s, 4 s on the server's (test) clock
      app().clock().advance(Duration.ofMillis(1_000L << (attempt - 1)));
    }
    List<Received> tries = receiver.await(r -> created.test(r) && r.answered() == 200, 1, WAIT);
    List<Received> all = receiver.received().stream().filter(created).toList();
    assertThat(all).extracting(Received::answered).containsExactly(500, 500, 500, 200);
    assertThat(all).extracting(Received::eventId).containsOnly(tries.get(0).eventId());
    JsonNode url = awaitStatus(u -> u.path("last_status").asInt() == 200);
    assertThat(url.path("failures").asInt()).isZero();
    assertThat(url.path("pending").asLong()).isZero();
  }

  @Test
  void a_slow_receiver_delays_only_itself_and_gets_several_at_once() {
    try (WebhookReceiver slow = WebhookReceiver.start().delay(Duration.ofSeconds(2))) {
      hooks(true, slow.url(), receiver.url());
      List<String> sessions = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sessions.add(fx.newSession().sessionId());
      }
      Predicate<Received> created =
          r ->
              r.event().equals("session_created")
                  && sessions.contains(r.json().path("session_id").asText());
      long start = System.nanoTime();
      receiver.await(created, 4, WAIT);
      // the quick one had them all before the slow one answered its first (2 s)
      assertThat(slow.received().stream().filter(created)).isEmpty();
      slow.await(created, 4, WAIT);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      // one at a time would be 8 s; the receiver answers four at once
      assertThat(tookMs).as("the slow receiver's four events").isLessThan(6_000);
    }
  }

  @Test
  void a_dead_receiver_is_probed_once_per_backoff_step_not_flooded() throws Exception {
    receiver.answer(500);
    hooks(true, receiver.url());
    fx.newSession();
    fx.newSession();
    receiver.await(r -> true, 1, WAIT);
    Thread.sleep(1_500); // what was sent together fails together; the test clock stands still
    int first = receiver.received().size();
    for (int i = 0; i < 4; i++) {
      fx.newSession();
    }
    Thread.sleep(1_500);
    assertThat(receiver.received()).as("paused: new events wait").hasSize(first);
    assertThat(awaitStatus(u -> u.path("pending").asLong() >= 6).path("failures").asInt())
        .isEqualTo(first);

    app().clock().advance(Duration.ofSeconds(1));
    receiver.await(r -> true, first + 1, WAIT);
    Thread.sleep(1_500);
    assertThat(receiver.received()).as("one probe, then a pause of 2 s").hasSize(first + 1);

    receiver.answer(200);
    app().clock().advance(Duration.ofSeconds(2));
    receiver.await(r -> r.answered() == 200, 1, WAIT);
    // through again: everything waiting goes, the failed ones when their own backoff ends
    app().clock().advance(Duration.ofSeconds(2));
    JsonNode url = awaitStatus(u -> u.path("pending").asLong() == 0);
    assertThat(url.path("failures").asInt()).isZero();
  }

  @Test
  void a_private_address_is_refused_unless_allow_private_urls() {
    hooks(false, receiver.url());
    Host host = fx.newSession();
    JsonNode refused = awaitStatus(u -> !u.path("last_error").isNull());
    assertThat(refused.path("last_error").asText()).contains("allow_private_urls");
    assertThat(refused.path("pending").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(receiver.received()).isEmpty();

    fx.settings(Map.of("allow_private_urls", true));
    app().clock().advance(Duration.ofSeconds(2));
    receiver.await(of("session_created", host.sessionId()), 1, WAIT);
  }

  @Test
  void the_secret_rotates_and_a_test_event_reaches_every_url() {
    try (WebhookReceiver second = WebhookReceiver.start()) {
      hooks(true, receiver.url(), second.url());
      String before = status().path("signing_secret").asText();
      Reply rotated = app().post("admin/webhooks/rotate-secret", "", fx.adminToken());
      assertThat(rotated.status()).isEqualTo(200);
      String after = rotated.text("signing_secret");
      assertThat(after).isNotEqualTo(before).isEqualTo(status().path("signing_secret").asText());

      assertThat(app().post("admin/webhooks/test", "", fx.adminToken()).status()).isEqualTo(202);
      for (WebhookReceiver r : List.of(receiver, second)) {
        Received test = r.await(x -> x.event().equals("test"), 1, WAIT).get(0);
        assertThat(test.signature()).isEqualTo("sha256=" + hmac(after, test.body()));
      }
      assertThat(status().path("urls")).hasSize(2);
    }
  }

  @Test
  void only_the_admin_sees_or_changes_webhooks_and_bad_urls_are_refused() {
    Host host = fx.newSession();
    assertThat(app().get("admin/webhooks", fx.userToken()).status()).isEqualTo(403);
    assertThat(app().get("admin/webhooks", host.token()).status()).isEqualTo(403);
    assertThat(app().post("admin/webhooks/rotate-secret", "", fx.userToken()).status())
        .isEqualTo(403);
    Reply bad =
        app()
            .patch(
                "admin/settings",
                Map.of("webhook_urls", List.of("ftp://x.example/")),
                fx.adminToken());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("webhook_urls");
    assertThat(status().path("urls")).isEmpty();
  }

  private JsonNode status() {
    Reply r = app().get("admin/webhooks", fx.adminToken());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.json();
  }

  /** Polls the admin status until the first URL's entry matches (the deliverer is asynchronous). */
  private JsonNode awaitStatus(Predicate<JsonNode> match) {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    JsonNode url = null;
    while (System.currentTimeMillis() < deadline) {
      url = status().path("urls").path(0);
      if (match.test(url)) {
        return url;
      }
      try {
        Thread.sleep(100); // polling an asynchronous outcome, not timing it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("webhook status never matched; last: " + url);
  }

  static String hmac(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
