package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.media.Fetch;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Stream URLs (issue 15, item 9): they expire after {@code stream_url_ttl_s} (900 s by default, not
 * 6 h), a member's URLs carry its id under the signature wherever it got them (REST, {@code hello},
 * a broadcast {@code playlist_update}, a {@code resync} answer, which is also how a player gets
 * fresh ones), and a kicked guest's URLs stop at once while everyone else's play on. Run on H2 by
 * {@link StreamUrlIT} and on PostgreSQL by {@link StreamUrlPostgresIT}.
 */
abstract class StreamUrlContract {
  private static final Pattern MEMBER = Pattern.compile("[?&]m=([^&]+)");
  private static final Pattern EXP = Pattern.compile("[?&]exp=(\\d+)");

  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void session() {
    fx = SessionFixtures.of(app());
    host = fx.newSession();
    fx.addItem(host, fx.track(0));
  }

  @AfterEach
  void defaults() {
    clients.forEach(WsClient::close);
    clients.clear();
    fx.settings(Map.of("stream_url_ttl_s", 900));
  }

  private WsClient.Connected connect(String token) {
    WsClient.Connected c = WsClient.connectOk(app().getLocalPort(), host.sessionId(), token);
    clients.add(c.client());
    return c;
  }

  private String absolute(String streamUrl) {
    return "http://localhost:" + app().getLocalPort() + streamUrl;
  }

  private static String urlOf(JsonNode playlist, int index) {
    return playlist.path("items").get(index).path("track").path("stream_url").asText();
  }

  private String restUrl(String token) {
    Reply reply = app().get("sessions/" + host.sessionId() + "/playlist", token);
    assertThat(reply.status()).as("playlist: %s", reply).isEqualTo(200);
    return urlOf(reply.json(), 0);
  }

  private static String member(String url) {
    Matcher m = MEMBER.matcher(url);
    return m.find() ? m.group(1) : null;
  }

  private static long exp(String url) {
    Matcher m = EXP.matcher(url);
    assertThat(m.find()).as(url).isTrue();
    return Long.parseLong(m.group(1));
  }

  private int fetch(String url) {
    return Fetch.get(absolute(url), "Range", "bytes=0-99").status();
  }

  @Test
  void stream_urls_live_stream_url_ttl_s_fifteen_minutes_by_default() {
    Guest guest = fx.guest(host);
    long now = app().clock().instant().getEpochSecond();
    String byDefault = restUrl(guest.token());
    assertThat(exp(byDefault) - now).isBetween(900L, 901L);

    fx.settings(Map.of("stream_url_ttl_s", 120));
    String shorter = restUrl(guest.token());
    assertThat(exp(shorter) - now).isBetween(120L, 121L);
    assertThat(fetch(shorter)).isEqualTo(206);

    app().clock().advance(Duration.ofSeconds(122));
    Fetch.get(absolute(shorter)).assertError(403, "invalid_signature");
    assertThat(fetch(byDefault)).isEqualTo(206);
    app().clock().advance(Duration.ofSeconds(900 - 122));
    Fetch.get(absolute(byDefault)).assertError(403, "invalid_signature");
  }

  @Test
  void a_members_urls_are_its_own_wherever_it_gets_them() {
    Guest guest = fx.guest(host);
    WsClient.Connected ws = connect(guest.token());

    assertThat(member(restUrl(guest.token()))).isEqualTo(guest.memberId());
    assertThat(member(urlOf(guest.joined().json().path("state").path("playlist"), 0)))
        .isEqualTo(guest.memberId());
    assertThat(member(urlOf(ws.hello().path("playlist"), 0))).isEqualTo(guest.memberId());
    assertThat(member(restUrl(host.token()))).isEqualTo(host.memberId());
    WsClient.Connected hostWs = connect(host.token());
    assertThat(member(urlOf(hostWs.hello().path("playlist"), 0))).isEqualTo(host.memberId());

    // one broadcast, bound to each connection's member
    fx.addItem(host, fx.track(1));
    String guestCopy =
        ws.client()
            .awaitType("playlist_update")
            .path("change")
            .path("track")
            .path("stream_url")
            .asText();
    String hostCopy =
        hostWs
            .client()
            .awaitType("playlist_update")
            .path("change")
            .path("track")
            .path("stream_url")
            .asText();
    assertThat(member(guestCopy)).isEqualTo(guest.memberId());
    assertThat(member(hostCopy)).isEqualTo(host.memberId());
    assertThat(fetch(guestCopy)).isEqualTo(206);
    assertThat(fetch(hostCopy)).isEqualTo(206);

    // a URL made for one member does not pass for another
    Guest other = fx.guest(host);
    String forged = guestCopy.replace("m=" + guest.memberId(), "m=" + other.memberId());
    Fetch.get(absolute(forged)).assertError(403, "invalid_signature");
  }

  @Test
  void a_kicked_guests_stream_urls_stop_at_once_and_the_others_play_on() {
    Guest kicked = fx.guest(host);
    Guest stays = fx.guest(host);
    WsClient.Connected ws = connect(kicked.token());
    WsClient.Connected staysWs = connect(stays.token());
    fx.addItem(host, fx.track(1));
    List<String> urls =
        List.of(
            restUrl(kicked.token()),
            urlOf(kicked.joined().json().path("state").path("playlist"), 0),
            urlOf(ws.hello().path("playlist"), 0),
            ws.client()
                .awaitType("playlist_update")
                .path("change")
                .path("track")
                .path("stream_url")
                .asText());
    String staysUrl =
        staysWs
            .client()
            .awaitType("playlist_update")
            .path("change")
            .path("track")
            .path("stream_url")
            .asText();
    for (String url : urls) {
      assertThat(fetch(url)).as(url).isEqualTo(206);
    }

    Reply kick =
        app()
            .delete("sessions/" + host.sessionId() + "/members/" + kicked.memberId(), host.token());
    assertThat(kick.status()).isEqualTo(204);

    ws.client().assertClosedWith(4403);
    for (String url : urls) {
      Fetch.get(absolute(url)).assertError(403, "invalid_signature");
    }
    assertThat(fetch(staysUrl)).isEqualTo(206);
    assertThat(fetch(restUrl(stays.token()))).isEqualTo(206);
  }

  @Test
  void resync_hands_a_player_fresh_urls_before_its_old_ones_expire() {
    Guest guest = fx.guest(host);
    WsClient.Connected ws = connect(guest.token());
    String old = urlOf(ws.hello().path("playlist"), 0);

    app().clock().advance(Duration.ofSeconds(850));
    ws.client().send(Map.of("type", "resync"));
    JsonNode snapshot =
        ws.client()
            .awaitType(
                "playlist_update", m -> "resync".equals(m.path("change").path("op").asText()), "");
    String fresh = urlOf(snapshot, 0);
    assertThat(member(fresh)).isEqualTo(guest.memberId());
    assertThat(exp(fresh) - app().clock().instant().getEpochSecond()).isBetween(900L, 901L);

    app().clock().advance(Duration.ofSeconds(60));
    Fetch.get(absolute(old)).assertError(403, "invalid_signature");
    assertThat(fetch(fresh)).isEqualTo(206);
  }
}
