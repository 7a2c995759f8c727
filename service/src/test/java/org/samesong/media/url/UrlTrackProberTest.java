package org.samesong.media.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samesong.catalog.ProbedMedia;
import org.samesong.common.ApiException;
import org.samesong.media.Ffmpeg;

/**
 * Probing URL tracks against real local origins: with ffprobe (skipped with the reason when FFmpeg
 * is not installed) and with the pure-Java reader, the size cap, and the address check on every
 * redirect hop. The guard here trusts one origin's endpoint, standing for a public server, so that
 * a redirect from it to a private address can be seen refused.
 */
class UrlTrackProberTest {
  private static TestOrigin origin;
  private static TestOrigin other;
  private final AtomicBoolean allowPrivate = new AtomicBoolean(false);
  private OriginClient client;

  @BeforeAll
  static void origins() {
    origin = TestOrigin.start();
    other = TestOrigin.start();
  }

  @AfterAll
  static void stop() {
    origin.close();
    other.close();
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  private UrlTrackProber prober(Ffmpeg ffmpeg, long maxBytes) {
    UrlGuard guard =
        new UrlGuard(
            allowPrivate::get,
            Set.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.port())));
    client = new OriginClient(guard);
    return new UrlTrackProber(client, new MediaProber(ffmpeg), maxBytes);
  }

  private static Ffmpeg installed() {
    Ffmpeg ffmpeg = Ffmpeg.detect(null);
    Assumptions.assumeTrue(
        ffmpeg.available(), "ffprobe is not installed: the FFmpeg path of the probe is not tested");
    return ffmpeg;
  }

  private static void assertApiError(Runnable call, int status, String code, String says) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains(says);
            });
  }

  @Test
  void ffprobe_reads_duration_tags_and_type_of_a_wav() {
    ProbedMedia media =
        prober(installed(), UrlTrackProber.DEFAULT_MAX_BYTES).probe(origin.url("/song.wav"));

    assertThat(media)
        .isEqualTo(
            new ProbedMedia(
                TestOrigin.TITLE, TestOrigin.ARTIST, null, TestOrigin.DURATION_MS, "audio/wav"));
  }

  @Test
  void without_ffmpeg_the_java_reader_reads_the_same() {
    ProbedMedia media =
        prober(Ffmpeg.absent(), UrlTrackProber.DEFAULT_MAX_BYTES).probe(origin.url("/song.wav"));

    assertThat(media)
        .isEqualTo(
            new ProbedMedia(
                TestOrigin.TITLE, TestOrigin.ARTIST, null, TestOrigin.DURATION_MS, "audio/wav"));
  }

  @Test
  void a_body_without_length_over_the_cap_is_413_and_leaves_no_temporary_file() throws Exception {
    long before = probeFiles();
    UrlTrackProber small = prober(Ffmpeg.absent(), 10_000);

    assertApiError(() -> small.probe(origin.url("/chunked.wav")), 413, "too_large", "10000 bytes");
    assertApiError(() -> small.probe(origin.url("/song.wav")), 413, "too_large", "bytes");
    assertThat(probeFiles()).isEqualTo(before);
  }

  @Test
  void a_body_without_length_under_the_cap_is_probed() {
    ProbedMedia media = prober(Ffmpeg.absent(), 1 << 20).probe(origin.url("/chunked.wav"));
    assertThat(media.durationMs()).isEqualTo(TestOrigin.DURATION_MS);
  }

  @Test
  void a_redirect_to_a_private_address_is_refused_unless_the_setting_allows_it() {
    String target = other.url("/song.wav");
    String url = origin.url("/redirect?to=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
    UrlTrackProber prober = prober(Ffmpeg.absent(), UrlTrackProber.DEFAULT_MAX_BYTES);

    assertApiError(() -> prober.probe(url), 400, "url_not_allowed", "127.0.0.1");
    assertThat(other.seen()).isEmpty();

    allowPrivate.set(true);
    assertThat(prober.probe(url).title()).isEqualTo(TestOrigin.TITLE);
    assertThat(other.seen()).extracting(TestOrigin.Seen::path).containsExactly("/song.wav");
  }

  @Test
  void a_redirect_to_a_private_literal_or_name_is_refused_before_any_connection() {
    UrlTrackProber prober = prober(Ffmpeg.absent(), UrlTrackProber.DEFAULT_MAX_BYTES);
    for (String target :
        new String[] {
          "http://10.0.0.1/a.wav",
          "http://169.254.169.254/latest/meta-data",
          "http://localhost:" + other.port() + "/song.wav",
          "http://[::1]:" + other.port() + "/song.wav"
        }) {
      String url = origin.url("/redirect?to=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
      assertApiError(() -> prober.probe(url), 400, "url_not_allowed", "allow_private_urls");
    }
    assertThat(other.seen()).isEmpty();
  }

  @Test
  void redirect_loops_and_non_http_redirects_are_422() {
    UrlTrackProber prober = prober(Ffmpeg.absent(), UrlTrackProber.DEFAULT_MAX_BYTES);
    assertApiError(() -> prober.probe(origin.url("/loop")), 422, "url_unreachable", "redirects");
    String ftp =
        origin.url(
            "/redirect?to=" + URLEncoder.encode("ftp://example.org/a.mp3", StandardCharsets.UTF_8));
    assertApiError(() -> prober.probe(ftp), 422, "url_unreachable", "http");
  }

  @Test
  void what_is_not_audio_is_422_with_the_reason() {
    for (Ffmpeg ffmpeg : Stream.of(Ffmpeg.absent(), Ffmpeg.detect(null)).toList()) {
      UrlTrackProber prober = prober(ffmpeg, UrlTrackProber.DEFAULT_MAX_BYTES);
      assertApiError(
          () -> prober.probe(origin.url("/page.html")), 422, "unprocessable_media", "text/html");
      assertApiError(
          () -> prober.probe(origin.url("/noise.bin")), 422, "unprocessable_media", "audio");
      assertApiError(
          () -> prober.probe(origin.url("/silence.wav")), 422, "unprocessable_media", "audio");
      assertApiError(() -> prober.probe(origin.url("/missing.mp3")), 422, "url_unreachable", "404");
      client.close();
    }
  }

  @Test
  void an_origin_that_is_not_there_is_422_unreachable() throws Exception {
    int closed;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    allowPrivate.set(true);
    UrlTrackProber prober = prober(Ffmpeg.absent(), UrlTrackProber.DEFAULT_MAX_BYTES);
    assertApiError(
        () -> prober.probe("http://127.0.0.1:" + closed + "/a.wav"),
        422,
        "url_unreachable",
        "127.0.0.1");
    assertApiError(
        () -> prober.probe("http://no-such-host.invalid/a.wav"), 422, "url_unreachable", "unknown");
  }

  @Test
  void the_title_falls_back_to_the_file_name() {
    assertThat(
            UrlTrackProber.titleFrom(java.net.URI.create("https://x.org/music/My_Song%20Two.mp3")))
        .isEqualTo("My Song Two");
    assertThat(UrlTrackProber.titleFrom(java.net.URI.create("https://x.org/"))).isEqualTo("x.org");
  }

  private static long probeFiles() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("samesong-probe-")).count();
    }
  }
}
