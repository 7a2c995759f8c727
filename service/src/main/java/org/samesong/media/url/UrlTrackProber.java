package org.samesong.media.url;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.samesong.catalog.ProbedMedia;
import org.samesong.catalog.UrlProber;
import org.samesong.common.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a URL track once: checks the URL, downloads it (at most {@code maxBytes}, through {@link
 * OriginClient}, so every hop passes the {@link UrlGuard}) into a temporary file that is deleted
 * afterwards, and reads duration and tags with {@link MediaProber}.
 */
public final class UrlTrackProber implements UrlProber {
  private static final Logger LOG = LoggerFactory.getLogger(UrlTrackProber.class);

  /** The largest file probed by default: 64 MiB (an hour of 128 kbit/s MP3 is 58 MiB). */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** How long a whole download may take. */
  private static final Duration DOWNLOAD_DEADLINE = Duration.ofMinutes(2);

  private final OriginClient origins;
  private final MediaProber prober;
  private final long maxBytes;

  /**
   * @param maxBytes the largest file probed; bigger ones get 413 {@code too_large}
   */
  public UrlTrackProber(OriginClient origins, MediaProber prober, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.origins = origins;
    this.prober = prober;
    this.maxBytes = maxBytes;
  }

  @Override
  public String canonical(String url) {
    return RemoteUrl.parse(url).toString();
  }

  @Override
  public ProbedMedia probe(String canonicalUrl) {
    URI url = RemoteUrl.parse(canonicalUrl);
    Path file = null;
    try (OriginClient.Answer answer = origins.open(url, "GET", Map.of())) {
      if (answer.status() < 200 || answer.status() > 299) {
        throw unreachable("the origin answered HTTP " + answer.status() + " instead of the audio");
      }
      String type = answer.header("Content-Type");
      if (isText(type)) {
        throw unprocessable(
            "the URL serves " + mediaTypeOf(type) + " (a web page or text), not an audio file");
      }
      if (answer.contentLength() > maxBytes) {
        throw tooLarge(answer.contentLength());
      }
      file = Files.createTempFile("samesong-probe-", ".part");
      download(answer.body(), file);
      return prober.probe(file, titleFrom(url));
    } catch (OriginClient.OriginException e) {
      throw switch (e.failure()) {
        case REFUSED -> new ApiException(400, "url_not_allowed", e.getMessage(), "url", Map.of());
        case UNREACHABLE, BAD_ANSWER -> unreachable(e.getMessage());
      };
    } catch (MediaProber.NotAudioException e) {
      throw unprocessable(e.getMessage());
    } catch (IOException e) {
      LOG.info("probing a URL track failed: {}", e.toString());
      throw unreachable("reading the audio from the origin failed (" + e.getMessage() + ")");
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warn("could not delete the probe file {}", file);
        }
      }
    }
  }

  private void download(InputStream body, Path file) throws IOException {
    long deadline = System.nanoTime() + DOWNLOAD_DEADLINE.toNanos();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = body.read(buffer)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(-1);
        }
        out.write(buffer, 0, n);
        if (System.nanoTime() > deadline) {
          throw unreachable(
              "the origin is too slow: the download took longer than "
                  + DOWNLOAD_DEADLINE.toSeconds()
                  + " s");
        }
      }
    }
  }

  /** The URL's file name without its extension, else its host. */
  static String titleFrom(URI url) {
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    String name;
    try {
      name = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      name = last;
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    name = name.replace('_', ' ').strip();
    return name.isEmpty() ? url.getHost() : name;
  }

  private static boolean isText(String contentType) {
    String type = mediaTypeOf(contentType);
    return type.startsWith("text/")
        || type.equals("application/json")
        || type.equals("application/xml")
        || type.equals("application/xhtml+xml")
        || type.equals("application/javascript")
        || type.endsWith("+json")
        || type.endsWith("+xml") && !type.startsWith("audio/");
  }

  private static String mediaTypeOf(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  private ApiException tooLarge(long size) {
    String mib = (maxBytes >> 20) > 0 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes";
    return new ApiException(
        413,
        "too_large",
        size > 0
            ? "the file at the URL has " + size + " bytes; URL tracks may have at most " + mib
            : "the file at the URL is larger than " + mib + ", the most a URL track may have",
        "url",
        Map.of());
  }

  private static ApiException unreachable(String message) {
    return new ApiException(422, "url_unreachable", message, "url", Map.of());
  }

  private static ApiException unprocessable(String message) {
    return new ApiException(422, "unprocessable_media", message, "url", Map.of());
  }
}
