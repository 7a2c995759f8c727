package org.samesong.media.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.app.SamesongApplication;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.media.Fetch;
import org.samesong.session.SessionFixtures;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestServer;

/**
 * {@code GET}/{@code HEAD /api/tracks/{id}/stream} over real HTTP against the real application and
 * the generated demo files: ranges (compared byte for byte with the file), conditional requests,
 * signatures as the only credential, and which files may be served at all. Run on H2 by {@link
 * StreamResourceIT} and on PostgreSQL by {@link StreamResourcePostgresIT}.
 */
abstract class StreamResourceContract {
  private static final Pattern SIGNED =
      Pattern.compile("/api/tracks/([^/?]+)/stream\\?exp=(\\d+)&sig=([A-Za-z0-9_-]+)");

  abstract TestServer app();

  SessionFixtures fx;
  Track demo;
  byte[] file;
  String url;

  @TempDir Path outside;

  @BeforeEach
  void demoTrack() throws IOException {
    fx = SessionFixtures.of(app());
    demo = catalog().find(fx.track(0).id()).orElseThrow();
    file = Files.readAllBytes(Path.of(demo.location()));
    url = absolute(catalog().toJson(demo).streamUrl());
  }

  @AfterEach
  void noLibraryFolders() {
    fx.settings(Map.of("library_folders", List.of(), "allow_private_urls", false));
  }

  CatalogService catalog() {
    return app().<SamesongApplication>getApplication().services().catalog();
  }

  String absolute(String streamUrl) {
    return "http://localhost:" + app().getLocalPort() + streamUrl;
  }

  private byte[] slice(int from, int to) {
    return Arrays.copyOfRange(file, from, to);
  }

  // --- whole file and ranges ---------------------------------------------------------------------

  @Test
  void the_whole_file_comes_with_length_type_validators_and_a_cache_lifetime_of_the_url() {
    Fetch whole = Fetch.get(url);

    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(file);
    assertThat(whole.header("Content-Type")).isEqualTo("audio/wav");
    assertThat(whole.header("Content-Length")).isEqualTo(Integer.toString(file.length));
    assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(whole.header("ETag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
    assertThat(whole.header("Last-Modified")).endsWith("GMT");
    // the URL is valid for stream_url_ttl_s (900 s) from the test clock's now
    assertThat(whole.header("Cache-Control")).matches("private, max-age=90[01]");
    assertThat(whole.header("Content-Encoding")).isNull();
  }

  @Test
  void the_first_bytes() {
    Fetch part = Fetch.get(url, "Range", "bytes=0-99");

    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range")).isEqualTo("bytes 0-99/" + file.length);
    assertThat(part.header("Content-Length")).isEqualTo("100");
    assertThat(part.header("Content-Type")).isEqualTo("audio/wav");
    assertThat(part.body()).isEqualTo(slice(0, 100));
  }

  @Test
  void a_range_in_the_middle() {
    int from = file.length / 2;
    Fetch part = Fetch.get(url, "Range", "bytes=" + from + "-" + (from + 70_000 - 1));

    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range"))
        .isEqualTo("bytes " + from + "-" + (from + 69_999) + "/" + file.length);
    assertThat(part.body()).isEqualTo(slice(from, from + 70_000));
  }

  @Test
  void the_last_hundred_bytes() {
    Fetch part = Fetch.get(url, "Range", "bytes=-100");

    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range"))
        .isEqualTo("bytes " + (file.length - 100) + "-" + (file.length - 1) + "/" + file.length);
    assertThat(part.body()).isEqualTo(slice(file.length - 100, file.length));
  }

  @Test
  void open_ended_ranges_run_to_the_end_as_a_browser_asks_first() {
    Fetch first = Fetch.get(url, "Range", "bytes=0-");
    assertThat(first.status()).isEqualTo(206);
    assertThat(first.header("Content-Range"))
        .isEqualTo("bytes 0-" + (file.length - 1) + "/" + file.length);
    assertThat(first.body()).isEqualTo(file);

    int from = file.length - 12_345;
    Fetch rest = Fetch.get(url, "Range", "bytes=" + from + "-");
    assertThat(rest.status()).isEqualTo(206);
    assertThat(rest.header("Content-Length")).isEqualTo("12345");
    assertThat(rest.body()).isEqualTo(slice(from, file.length));
  }

  @Test
  void several_ranges_are_answered_with_the_whole_file() {
    Fetch multi = Fetch.get(url, "Range", "bytes=0-9,100-199");

    assertThat(multi.status()).isEqualTo(200);
    assertThat(multi.header("Content-Range")).isNull();
    assertThat(multi.body()).isEqualTo(file);
  }

  @Test
  void a_malformed_range_is_ignored() {
    for (String range : List.of("bytes=9-1", "bytes=x-", "pages=1-2", "bytes")) {
      Fetch whole = Fetch.get(url, "Range", range);
      assertThat(whole.status()).as(range).isEqualTo(200);
      assertThat(whole.body()).as(range).isEqualTo(file);
    }
  }

  @Test
  void a_range_beyond_the_end_is_416_with_the_length() {
    Fetch refused = Fetch.get(url, "Range", "bytes=" + file.length + "-");

    refused.assertError(416, "range_not_satisfiable");
    assertThat(refused.header("Content-Range")).isEqualTo("bytes */" + file.length);
  }

  @Test
  void head_tells_length_and_type_without_a_body_and_ignores_a_range() {
    Fetch head = Fetch.of("HEAD", url);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(file.length));
    assertThat(head.header("Content-Type")).isEqualTo("audio/wav");
    assertThat(head.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(head.header("ETag")).isNotBlank();
    assertThat(head.body()).isEmpty();

    Fetch ranged = Fetch.of("HEAD", url, "Range", "bytes=0-99");
    assertThat(ranged.status()).isEqualTo(200);
    assertThat(ranged.header("Content-Length")).isEqualTo(Integer.toString(file.length));
  }

  @Test
  void compression_is_never_applied_so_ranges_stay_bytes_of_the_file() {
    Fetch part = Fetch.get(url, "Range", "bytes=0-999", "Accept-Encoding", "gzip, deflate, br");
    assertThat(part.header("Content-Encoding")).isNull();
    assertThat(part.body()).isEqualTo(slice(0, 1000));

    Fetch whole = Fetch.get(url, "Accept-Encoding", "gzip");
    assertThat(whole.header("Content-Encoding")).isNull();
    assertThat(whole.body()).isEqualTo(file);
  }

  // --- conditional requests ----------------------------------------------------------------------

  @Test
  void a_known_etag_or_date_gets_304_without_a_body() {
    Fetch first = Fetch.get(url);
    String etag = first.header("ETag");
    String lastModified = first.header("Last-Modified");

    Fetch byTag = Fetch.get(url, "If-None-Match", etag);
    assertThat(byTag.status()).isEqualTo(304);
    assertThat(byTag.body()).isEmpty();
    assertThat(byTag.header("ETag")).isEqualTo(etag);
    assertThat(Fetch.get(url, "If-None-Match", "\"other\", W/" + etag).status()).isEqualTo(304);
    assertThat(Fetch.of("HEAD", url, "If-None-Match", etag).status()).isEqualTo(304);
    assertThat(Fetch.get(url, "If-None-Match", "\"other\"").status()).isEqualTo(200);

    assertThat(Fetch.get(url, "If-Modified-Since", lastModified).status()).isEqualTo(304);
    assertThat(Fetch.get(url, "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").status())
        .isEqualTo(200);
    // If-None-Match wins over If-Modified-Since
    assertThat(
            Fetch.get(url, "If-None-Match", "\"other\"", "If-Modified-Since", lastModified)
                .status())
        .isEqualTo(200);
  }

  @Test
  void if_range_applies_the_range_only_to_the_same_file() {
    Fetch first = Fetch.get(url, "Range", "bytes=0-99");
    String etag = first.header("ETag");

    Fetch same = Fetch.get(url, "Range", "bytes=100-199", "If-Range", etag);
    assertThat(same.status()).isEqualTo(206);
    assertThat(same.body()).isEqualTo(slice(100, 200));

    Fetch byDate =
        Fetch.get(url, "Range", "bytes=100-199", "If-Range", first.header("Last-Modified"));
    assertThat(byDate.status()).isEqualTo(206);

    Fetch changed = Fetch.get(url, "Range", "bytes=100-199", "If-Range", "\"0-0\"");
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(file);
    assertThat(Fetch.get(url, "Range", "bytes=100-199", "If-Range", "W/" + etag).status())
        .isEqualTo(200);
  }

  @Test
  void a_changed_file_gets_a_new_etag() throws IOException {
    Path copy = outside.resolve("changing.wav");
    Files.write(copy, file);
    fx.settings(Map.of("library_folders", List.of(outside.toRealPath().toString())));
    Track track = register(copy);
    String streamUrl = absolute(catalog().toJson(track).streamUrl());
    String before = Fetch.of("HEAD", streamUrl).header("ETag");

    Files.setLastModifiedTime(copy, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

    assertThat(Fetch.of("HEAD", streamUrl).header("ETag")).isNotEqualTo(before);
    assertThat(Fetch.get(streamUrl, "If-None-Match", before).status()).isEqualTo(200);
  }

  // --- the signature is the credential -----------------------------------------------------------

  private record Signed(String trackId, long exp, String sig) {
    String url(TestServer app) {
      return "http://localhost:"
          + app.getLocalPort()
          + "/api/tracks/"
          + trackId
          + "/stream?exp="
          + exp
          + "&sig="
          + sig;
    }
  }

  private Signed parse(String absoluteUrl) {
    Matcher m = SIGNED.matcher(absoluteUrl.substring(absoluteUrl.indexOf("/api/")));
    assertThat(m.matches()).as(absoluteUrl).isTrue();
    return new Signed(m.group(1), Long.parseLong(m.group(2)), m.group(3));
  }

  @Test
  void no_token_is_needed_and_a_token_changes_nothing() {
    assertThat(Fetch.get(url).status()).isEqualTo(200);
    assertThat(Fetch.get(url, "Authorization", "Bearer not-a-token").status()).isEqualTo(200);
    assertThat(Fetch.get(url, "Cookie", "samesong_access=garbage").status()).isEqualTo(200);
  }

  @Test
  void a_tampered_signature_is_403() {
    Signed signed = parse(url);
    char c = signed.sig().charAt(5);
    String sig = signed.sig().substring(0, 5) + (c == 'A' ? 'B' : 'A') + signed.sig().substring(6);

    Fetch.get(new Signed(signed.trackId(), signed.exp(), sig).url(app()))
        .assertError(403, "invalid_signature");
    Fetch.get(new Signed(signed.trackId(), signed.exp(), signed.sig() + "A").url(app()))
        .assertError(403, "invalid_signature");
  }

  @Test
  void a_tampered_expiry_is_403() {
    Signed signed = parse(url);
    Fetch.get(new Signed(signed.trackId(), signed.exp() + 3600, signed.sig()).url(app()))
        .assertError(403, "invalid_signature");
    Fetch.get(new Signed(signed.trackId(), signed.exp() - 1, signed.sig()).url(app()))
        .assertError(403, "invalid_signature");
  }

  @Test
  void an_expired_url_is_403() {
    Instant now = app().clock().instant();
    try {
      // stream_url_ttl_s: 900 by default
      app().clock().advance(Duration.ofSeconds(900).minusSeconds(1));
      assertThat(Fetch.get(url, "Range", "bytes=0-0").status()).isEqualTo(206);
      app().clock().advance(Duration.ofSeconds(1));
      Fetch.get(url).assertError(403, "invalid_signature");
    } finally {
      app().clock().set(now);
    }
  }

  @Test
  void another_tracks_signature_is_403() {
    Signed mine = parse(url);
    Signed other =
        parse(absolute(catalog().toJson(catalog().require(fx.track(1).id())).streamUrl()));

    Fetch.get(new Signed(other.trackId(), mine.exp(), mine.sig()).url(app()))
        .assertError(403, "invalid_signature");
  }

  @Test
  void missing_or_malformed_parameters_are_403() {
    Signed signed = parse(url);
    String base = "http://localhost:" + app().getLocalPort() + "/api/tracks/" + signed.trackId();
    for (String query :
        List.of(
            "/stream",
            "/stream?exp=" + signed.exp(),
            "/stream?sig=" + signed.sig(),
            "/stream?exp=&sig=" + signed.sig(),
            "/stream?exp=soon&sig=" + signed.sig(),
            "/stream?exp=-" + signed.exp() + "&sig=" + signed.sig(),
            "/stream?exp=99999999999999999999999&sig=" + signed.sig())) {
      Fetch.get(base + query).assertError(403, "invalid_signature");
    }
    assertThat(Fetch.of("HEAD", base + "/stream").status()).isEqualTo(403);
  }

  @Test
  void a_validly_signed_unknown_or_removed_track_is_404() throws Exception {
    StreamSigner signer =
        StreamSigner.derivedFrom(
            TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), app().clock());
    Fetch.get(absolute(signer.streamUrl(SessionFixtures.unknownId())))
        .assertError(404, "not_found");

    Path copy = outside.resolve("soon-removed.wav");
    Files.write(copy, file);
    fx.settings(Map.of("library_folders", List.of(outside.toRealPath().toString())));
    Track track = register(copy);
    String streamUrl = absolute(catalog().toJson(track).streamUrl());
    assertThat(Fetch.get(streamUrl).status()).isEqualTo(200);
    // the folder change started a scan, which would register the file again after its removal
    app()
        .<SamesongApplication>getApplication()
        .services()
        .scanner()
        .awaitIdle(java.time.Duration.ofSeconds(30));

    catalog().removeLibraryTrack(copy);

    Fetch.get(streamUrl).assertError(404, "not_found");
  }

  @Test
  void log_lines_written_while_streaming_carry_no_signature() throws IOException {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> capture =
        new ch.qos.logback.core.AppenderBase<>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
            // the thread name as the request's thread has it now
            lines.add(event.getThreadName() + " " + event.getFormattedMessage());
          }
        };
    capture.start();
    root.addAppender(capture);
    try {
      Path elsewhere = Files.write(outside.resolve("logged.wav"), file);
      Signed signed = parse(absolute(catalog().toJson(register(elsewhere)).streamUrl()));

      Fetch.get(signed.url(app())).assertError(404, "not_found");
    } finally {
      root.detachAppender(capture);
    }

    assertThat(lines).as("the refusal is logged").isNotEmpty();
    assertThat(lines)
        .allSatisfy(line -> assertThat(line).doesNotContain("sig=").doesNotContain("exp="));
  }

  @Test
  void a_listener_that_goes_away_mid_stream_leaves_no_error_in_the_log() throws Exception {
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> capture =
        new ch.qos.logback.core.AppenderBase<>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
            // Jetty 12.1.5 may warn "Serialized invocation error" when a client resets during a
            // write (a race inside Jetty, jetty/jetty.project#14745, seen under heavy load only);
            // harmless for the stream and not ours to fix
            if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                && !event.getLoggerName().endsWith("SerializedInvoker")) {
              problems.add(event.getLoggerName() + ": " + event.getFormattedMessage());
            }
          }
        };
    capture.start();
    root.addAppender(capture);
    try {
      String path = url.substring(url.indexOf("/api/"));
      for (int i = 0; i < 3; i++) {
        try (java.net.Socket socket = new java.net.Socket("localhost", app().getLocalPort())) {
          socket
              .getOutputStream()
              .write(
                  ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          assertThat(socket.getInputStream().readNBytes(20_000)).hasSize(20_000);
          // a reset, as a browser that seeks elsewhere or closes the tab
          socket.setSoLinger(true, 0);
        }
      }
      // the server notices at its next write; give it that moment
      Thread.sleep(2000);
      assertThat(Fetch.get(url, "Range", "bytes=0-9").body()).isEqualTo(slice(0, 10));
    } finally {
      root.detachAppender(capture);
    }

    assertThat(problems).isEmpty();
  }

  // --- which files are served --------------------------------------------------------------------

  private Track register(Path path) throws IOException {
    return catalog()
        .upsertLibraryTrack(
            path,
            "Outside " + path.getFileName(),
            null,
            null,
            1000,
            "audio/wav",
            Files.size(path),
            Files.getLastModifiedTime(path).toMillis());
  }

  @Test
  void a_file_outside_the_library_folders_is_404_until_its_folder_is_one() throws IOException {
    Path elsewhere = outside.resolve("elsewhere.wav");
    Files.write(elsewhere, file);
    Track track = register(elsewhere);
    String streamUrl = absolute(catalog().toJson(track).streamUrl());

    Fetch.get(streamUrl).assertError(404, "not_found");
    assertThat(Fetch.of("HEAD", streamUrl).status()).isEqualTo(404);

    fx.settings(Map.of("library_folders", List.of(outside.toRealPath().toString())));
    Fetch served = Fetch.get(streamUrl);
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(file);

    // a sibling folder whose name starts the same is not inside
    Path sibling = Files.createDirectories(outside.resolveSibling(outside.getFileName() + "-x"));
    try {
      Path twin = Files.write(sibling.resolve("twin.wav"), file);
      Track other = register(twin);
      Fetch.get(absolute(catalog().toJson(other).streamUrl())).assertError(404, "not_found");
    } finally {
      try (var files = Files.list(sibling)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(sibling);
    }
  }

  @Test
  void a_link_inside_a_served_folder_to_a_file_outside_is_404() throws IOException {
    Path secret = Files.write(outside.resolve("secret.wav"), file);
    Path demoFolder = Path.of(demo.location()).getParent();
    Path link = demoFolder.resolve("zz-link-" + System.nanoTime() + ".wav");
    Files.createSymbolicLink(link, secret);
    try {
      Track track = register(link);
      Fetch.get(absolute(catalog().toJson(track).streamUrl())).assertError(404, "not_found");
      catalog().removeLibraryTrack(link);
    } finally {
      Files.deleteIfExists(link);
    }
  }

  @Test
  void a_missing_file_is_404() throws IOException {
    fx.settings(Map.of("library_folders", List.of(outside.toRealPath().toString())));
    Path gone = Files.write(outside.resolve("gone.wav"), file);
    Track track = register(gone);
    String streamUrl = absolute(catalog().toJson(track).streamUrl());
    assertThat(Fetch.get(streamUrl, "Range", "bytes=0-0").status()).isEqualTo(206);

    Files.delete(gone);

    Fetch.get(streamUrl).assertError(404, "not_found");
    catalog().removeLibraryTrack(gone);
  }
}
