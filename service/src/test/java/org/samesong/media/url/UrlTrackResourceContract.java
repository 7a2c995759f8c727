package org.samesong.media.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.media.Fetch;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * URL tracks end to end against a real local origin: {@code POST /api/catalog/tracks} (roles, URL
 * checks, the address check, 413, 422), streaming them through the signed endpoint with ranges, and
 * adding them to playlists directly (host) or through requests probed at approval (guest). The
 * origin listens on 127.0.0.1, so the tests that reach it turn {@code allow_private_urls} on; by
 * default it is refused like any private address. Run on H2 by {@link UrlTrackResourceIT} and on
 * PostgreSQL by {@link UrlTrackResourcePostgresIT}.
 */
abstract class UrlTrackResourceContract {
  private static TestOrigin origin;

  abstract TestServer app();

  SessionFixtures fx;

  @BeforeAll
  static void startOrigin() {
    origin = TestOrigin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.close();
  }

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(app());
  }

  @AfterEach
  void defaults() {
    origin.failing(false);
    fx.settings(Map.of("allow_private_urls", false));
  }

  private void allowPrivate() {
    fx.settings(Map.of("allow_private_urls", true));
  }

  private Reply add(String url, String token) {
    return app().post("catalog/tracks", Map.of("url", url), token);
  }

  /** A URL of the origin that no other test adds (the catalog keys tracks by URL). */
  private static String fresh(String path) {
    return origin.url(path + "?t=" + TestServer.uniqueName("u"));
  }

  private String absolute(String streamUrl) {
    return "http://localhost:" + app().getLocalPort() + streamUrl;
  }

  // --- adding ------------------------------------------------------------------------------------

  @Test
  void an_account_adds_a_url_track_with_201_and_the_same_url_again_gets_it_with_200() {
    allowPrivate();
    String url = fresh("/song.wav");

    Reply created = add(url, fx.userToken());

    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(fieldNames(created.json()))
        .containsExactlyInAnyOrder(
            "id", "title", "artist", "album", "duration_ms", "source", "media_type", "stream_url");
    assertThat(created.text("title")).isEqualTo(TestOrigin.TITLE);
    assertThat(created.text("artist")).isEqualTo(TestOrigin.ARTIST);
    assertThat(created.json().path("album").isNull()).isTrue();
    assertThat(created.json().path("duration_ms").asLong()).isEqualTo(TestOrigin.DURATION_MS);
    assertThat(created.text("source")).isEqualTo("url");
    assertThat(created.text("media_type")).isEqualTo("audio/wav");
    assertThat(created.text("stream_url")).startsWith("/api/tracks/" + created.text("id") + "/");
    int probes = origin.seen().size();

    // the same resource written differently: host case, default port, fragment
    String same = url.replace("http://127.0.0.1:", "HTTP://127.0.0.1:") + "#again";
    Reply again = add(same, fx.adminToken());

    assertThat(again.status()).as("%s", again).isEqualTo(200);
    assertThat(again.text("id")).isEqualTo(created.text("id"));
    assertThat(origin.seen()).as("not probed again").hasSize(probes);
    Reply found = app().get("catalog/tracks?q=origin+test+tone&limit=100", fx.userToken());
    assertThat(found.json().path("items").findValuesAsText("id")).contains(created.text("id"));
  }

  @Test
  void a_host_may_add_a_guest_may_not_and_nobody_without_a_token() {
    allowPrivate();
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    assertThat(add(fresh("/song.wav"), host.token()).status()).isEqualTo(201);
    assertError(add(fresh("/song.wav"), guest.token()), 403, "forbidden");
    assertError(add(fresh("/song.wav"), null), 401, "unauthorized");
  }

  @Test
  void private_and_local_targets_are_refused_by_default_without_contacting_them() {
    int before = origin.seen().size();
    for (String url :
        List.of(
            origin.url("/song.wav"),
            "http://localhost:" + origin.port() + "/song.wav",
            "http://10.0.0.1/song.wav",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:" + origin.port() + "/song.wav",
            "http://[::ffff:127.0.0.1]:" + origin.port() + "/song.wav",
            "http://100.64.0.1/a.mp3")) {
      JsonNode error = assertError(add(url, fx.userToken()), 400, "url_not_allowed");
      assertThat(error.path("field").asText()).isEqualTo("url");
      assertThat(error.path("message").asText()).contains("allow_private_urls");
    }
    assertThat(origin.seen()).hasSize(before);
  }

  @Test
  void urls_that_are_not_plain_http_are_400_naming_url() {
    for (String url :
        List.of(
            "",
            "ftp://example.org/a.mp3",
            "file:///etc/passwd",
            "https://user:secret@example.org/a.mp3",
            "https://exa mple.org/a.mp3",
            "https://example.org/" + "a".repeat(2100))) {
      JsonNode error = assertError(add(url, fx.userToken()), 400, "invalid_url");
      assertThat(error.path("field").asText()).isEqualTo("url");
    }
    assertBadField(app().post("catalog/tracks", "{}", fx.userToken()), "url");
    assertBadField(app().post("catalog/tracks", "{\"url\": 7}", fx.userToken()), "url");
  }

  @Test
  void what_is_not_audio_or_not_there_is_422_and_too_big_is_413() {
    allowPrivate();
    assertError(add(fresh("/page.html"), fx.userToken()), 422, "unprocessable_media");
    assertError(add(fresh("/noise.bin"), fx.userToken()), 422, "unprocessable_media");
    assertError(add(fresh("/silence.wav"), fx.userToken()), 422, "unprocessable_media");
    JsonNode missing =
        assertError(add(fresh("/missing.mp3"), fx.userToken()), 422, "url_unreachable");
    assertThat(missing.path("message").asText()).contains("404");
    assertError(add(fresh("/loop"), fx.userToken()), 422, "url_unreachable");
    JsonNode big = assertError(add(fresh("/huge.mp3"), fx.userToken()), 413, "too_large");
    assertThat(big.path("message").asText()).contains("64 MiB");
    Reply none = app().get("catalog/tracks?q=page&limit=100", fx.userToken());
    assertThat(none.json().path("items").findValuesAsText("source")).doesNotContain("url");
  }

  @Test
  void redirects_are_followed_when_each_hop_is_allowed() {
    allowPrivate();
    String target = origin.url("/song.wav");
    String hop = URLEncoder.encode(target, StandardCharsets.UTF_8);
    Reply added = add(fresh("/redirect") + "&to=" + hop, fx.userToken());
    assertThat(added.status()).as("%s", added).isEqualTo(201);
    assertThat(added.text("title")).isEqualTo(TestOrigin.TITLE);
  }

  // --- streaming ---------------------------------------------------------------------------------

  @Test
  void a_url_track_streams_through_the_signed_endpoint_with_ranges() {
    allowPrivate();
    Reply added = add(fresh("/song.wav"), fx.userToken());
    String stream = absolute(added.text("stream_url"));
    byte[] wav = origin.wav();

    Fetch whole = Fetch.get(stream);
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(wav);
    assertThat(whole.header("Content-Type")).isEqualTo("audio/wav");
    assertThat(whole.header("Content-Length")).isEqualTo(Integer.toString(wav.length));
    assertThat(whole.header("Cache-Control")).startsWith("private, max-age=");

    Fetch part = Fetch.get(stream, "Range", "bytes=1000-1999");
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range")).isEqualTo("bytes 1000-1999/" + wav.length);
    assertThat(part.header("Content-Length")).isEqualTo("1000");
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(wav, 1000, 2000));
    assertThat(origin.seen().get(origin.seen().size() - 1).range()).isEqualTo("bytes=1000-1999");

    Fetch tail = Fetch.get(stream, "Range", "bytes=-100");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(wav, wav.length - 100, wav.length));

    Fetch beyond = Fetch.get(stream, "Range", "bytes=" + wav.length + "-");
    beyond.assertError(416, "range_not_satisfiable");
    assertThat(beyond.header("Content-Range")).isEqualTo("bytes */" + wav.length);

    Fetch head = Fetch.of("HEAD", stream);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(wav.length));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void a_failing_origin_is_502_and_a_refused_one_403() {
    allowPrivate();
    Reply added = add(fresh("/song.wav"), fx.userToken());
    String stream = absolute(added.text("stream_url"));

    origin.failing(true);
    Fetch.get(stream, "Range", "bytes=0-99").assertError(502, "origin_failed");
    origin.failing(false);
    assertThat(Fetch.get(stream, "Range", "bytes=0-99").status()).isEqualTo(206);

    // the address check runs on every request, not only when the track was added
    fx.settings(Map.of("allow_private_urls", false));
    int before = origin.seen().size();
    Fetch.get(stream).assertError(403, "url_not_allowed");
    assertThat(origin.seen()).hasSize(before);
  }

  @Test
  void a_url_track_whose_signature_is_wrong_is_403_without_contacting_the_origin() {
    allowPrivate();
    Reply added = add(fresh("/song.wav"), fx.userToken());
    int before = origin.seen().size();
    String signed = absolute(added.text("stream_url"));
    int at = signed.indexOf("sig=") + 4;
    char first = signed.charAt(at);
    String tampered =
        signed.substring(0, at) + (first == 'A' ? 'B' : 'A') + signed.substring(at + 1);
    Fetch.get(tampered).assertError(403, "invalid_signature");
    assertThat(origin.seen()).hasSize(before);
  }

  // --- playlists and requests --------------------------------------------------------------------

  @Test
  void the_host_adds_a_url_to_the_playlist_with_201() {
    allowPrivate();
    Host host = fx.newSession();

    Reply item =
        app()
            .post(
                "sessions/" + host.sessionId() + "/playlist",
                Map.of("url", fresh("/song.wav"), "position", 0),
                host.token());

    assertThat(item.status()).as("%s", item).isEqualTo(201);
    assertThat(item.json().at("/track/source").asText()).isEqualTo("url");
    assertThat(item.json().at("/track/title").asText()).isEqualTo(TestOrigin.TITLE);
    assertThat(fx.version(host)).isEqualTo(1);
  }

  @Test
  void a_host_add_that_fails_to_probe_changes_nothing() {
    Host host = fx.newSession();
    String path = "sessions/" + host.sessionId() + "/playlist";

    assertError(
        app().post(path, Map.of("url", fresh("/song.wav")), host.token()), 400, "url_not_allowed");
    allowPrivate();
    assertError(
        app().post(path, Map.of("url", fresh("/page.html")), host.token()),
        422,
        "unprocessable_media");
    int probes = origin.seen().size();
    assertBadField(
        app().post(path, Map.of("url", fresh("/song.wav"), "position", 5), host.token()),
        "position");
    assertThat(origin.seen()).as("bad input probes nothing").hasSize(probes);

    assertThat(fx.version(host)).isZero();
  }

  @Test
  void a_guests_url_is_kept_in_the_request_and_probed_when_the_host_approves() {
    allowPrivate();
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    String url = fresh("/song.wav");
    int probes = origin.seen().size();

    Reply proposed =
        app()
            .post(
                "sessions/" + host.sessionId() + "/playlist",
                Map.of("url", url, "note", "this one"),
                guest.token());

    assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
    assertThat(proposed.text("status")).isEqualTo("pending");
    assertThat(proposed.json().at("/payload/url").asText()).isEqualTo(url);
    assertThat(origin.seen()).as("not probed before approval").hasSize(probes);
    assertThat(fx.version(host)).isZero();

    Reply approved = fx.approve(proposed.text("request_id"), host.token());

    assertThat(approved.status()).as("%s", approved).isEqualTo(200);
    assertThat(approved.text("status")).isEqualTo("approved");
    JsonNode playlist = fx.playlist(host);
    assertThat(playlist.path("version").asLong()).isEqualTo(1);
    assertThat(playlist.at("/items/0/track/source").asText()).isEqualTo("url");
    assertThat(playlist.at("/items/0/added_by").asText()).isEqualTo(guest.memberId());
  }

  @Test
  void when_the_probe_fails_at_approval_the_request_stays_pending() {
    allowPrivate();
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    Reply filed =
        fx.fileRequest(guest, Map.of("action", "add", "url", fresh("/page.html"), "position", 0));
    assertThat(filed.status()).as("%s", filed).isEqualTo(201);
    String id = filed.text("request_id");

    assertError(fx.approve(id, host.token()), 422, "unprocessable_media");
    fx.settings(Map.of("allow_private_urls", false));
    assertError(fx.approve(id, host.token()), 400, "url_not_allowed");

    assertThat(SessionFixtures.statuses(fx.requests(host.sessionId(), host.token(), null)))
        .containsEntry(id, "pending");
    assertThat(fx.version(host)).isZero();
    assertThat(fx.deny(id, host.token(), "not music").text("status")).isEqualTo("denied");
  }

  @Test
  void a_guests_bad_url_is_400_and_files_nothing() {
    Host host = fx.newSession();
    Guest guest = fx.guest(host);

    assertError(
        fx.fileRequest(guest, Map.of("action", "add", "url", "gopher://example.org/a")),
        400,
        "invalid_url");
    assertError(
        app()
            .post(
                "sessions/" + host.sessionId() + "/playlist",
                Map.of("url", "https://u:p@example.org/a.mp3"),
                guest.token()),
        400,
        "invalid_url");

    assertThat(fx.requests(host.sessionId(), host.token(), null)).isEmpty();
  }
}
