package org.samesong.media.stream;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.media.url.OriginClient;
import org.samesong.media.url.RemoteUrl;
import org.samesong.media.url.UrlGuard;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a signed stream URL plays. The signature is the only credential (an {@code <audio>}
 * element sends no Authorization header): a bad, tampered, expired or another track's signature is
 * refused with 403 before anything else is looked at. A library track is served only when its file,
 * with symbolic links resolved, lies inside one of the {@code library_folders} or the demo folder;
 * a URL track is fetched from its origin through {@link OriginClient}, checked against the {@link
 * UrlGuard} on every request. A URL made for a session member plays only while that member is in
 * its session: a kicked member's URLs stop at once (asked of memory, not of the database per
 * request).
 */
public class StreamService {
  private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);

  private final CatalogService catalog;
  private final StreamSigner signer;
  private final SettingsService settings;
  private final Path demoFolder;
  private final OriginClient origins;
  private final Clock clock;
  private volatile Predicate<String> memberActive = memberId -> true;

  /** What a valid stream URL plays. */
  public sealed interface Playable {
    Track track();

    /** The URL's expiry, epoch seconds. */
    long exp();
  }

  /**
   * A library file as it is now.
   *
   * @param file the real path (links resolved)
   * @param mtime modification time, epoch milliseconds
   */
  public record LocalFile(Track track, long exp, Path file, long size, long mtime)
      implements Playable {
    /** A strong validator: changes whenever the size or the modification time does. */
    public String etag() {
      return "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtime) + "\"";
    }
  }

  /** A URL track: its audio is at {@code url}. */
  public record Remote(Track track, long exp, URI url) implements Playable {}

  /**
   * @param demoFolder the generated demo tracks' folder ({@code <dataDir>/demo}), served like a
   *     library folder
   */
  public StreamService(
      CatalogService catalog,
      StreamSigner signer,
      SettingsService settings,
      Path demoFolder,
      OriginClient origins,
      Clock clock) {
    this.catalog = catalog;
    this.signer = signer;
    this.settings = settings;
    this.demoFolder = demoFolder;
    this.origins = origins;
    this.clock = clock;
  }

  /** Who answers whether a member is still in its session (not kicked); must answer from memory. */
  public void memberCheck(Predicate<String> memberActive) {
    this.memberActive = memberActive;
  }

  /** {@link #open(String, String, String, String)} of a URL made for nobody in particular. */
  public Playable open(String trackId, String exp, String sig) {
    return open(trackId, exp, null, sig);
  }

  /**
   * Checks the signature (and, for a member's URL, that the member was not kicked) and finds what
   * it plays.
   *
   * @param member the {@code m} of the URL: the member it was made for, or null
   * @throws ApiException 403 {@code invalid_signature}; 404 when the track is unknown or removed,
   *     or its file is missing or outside the library folders
   */
  public Playable open(String trackId, String exp, String member, String sig) {
    long expiry = parseExp(exp);
    if (expiry < 0
        || !signer.verify(trackId, expiry, member, sig)
        || (member != null && !memberActive.test(member))) {
      throw new ApiException(
          403,
          "invalid_signature",
          "this stream URL is invalid or has expired; fetch the track again for a fresh one");
    }
    Track track = catalog.find(trackId).orElseThrow(() -> ApiException.notFound("track"));
    if (Track.URL.equals(track.source())) {
      try {
        return new Remote(track, expiry, RemoteUrl.parse(track.location()));
      } catch (ApiException e) {
        LOG.warn("URL track {} has an unusable URL; not served", track.id());
        throw ApiException.notFound("track");
      }
    }
    return localFile(track, expiry);
  }

  /** Seconds until the URL expires: how long a browser may cache what it fetched. */
  public long maxAgeSeconds(Playable playable) {
    return Math.max(0, playable.exp() - Math.floorDiv(clock.millis(), 1000));
  }

  /**
   * Requests a URL track's audio from its origin, passing {@code Range} (and {@code If-Range})
   * through. The caller relays the answer and closes it.
   *
   * @param method {@code GET} or {@code HEAD}
   * @throws ApiException 403 {@code url_not_allowed} when the origin's address is refused now, 502
   *     {@code origin_failed} when the origin cannot be reached or answers with an error
   */
  public OriginClient.Answer fetch(Remote remote, String method, String range, String ifRange) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Range", range);
    headers.put("If-Range", range == null ? null : ifRange);
    OriginClient.Answer answer;
    try {
      answer = origins.open(remote.url(), method, headers);
    } catch (OriginClient.OriginException e) {
      if (e.failure() == OriginClient.Failure.REFUSED) {
        LOG.warn("URL track {}: origin refused by the address check", remote.track().id());
        throw new ApiException(403, "url_not_allowed", e.getMessage());
      }
      LOG.info("URL track {}: {}", remote.track().id(), e.getMessage());
      throw originFailed(e.getMessage());
    }
    int status = answer.status();
    if (status != 200 && status != 206 && status != 416) {
      answer.close();
      LOG.info("URL track {}: the origin answered {}", remote.track().id(), status);
      throw originFailed("the origin answered HTTP " + status);
    }
    return answer;
  }

  private static ApiException originFailed(String why) {
    return new ApiException(502, "origin_failed", "the track's origin failed: " + why);
  }

  private LocalFile localFile(Track track, long expiry) {
    Path real;
    BasicFileAttributes attributes;
    try {
      real = Path.of(track.location()).toRealPath();
      attributes = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      LOG.info("track {}: its file is missing", track.id());
      throw ApiException.notFound("track file");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      LOG.warn("track {}: its file cannot be read ({})", track.id(), e.getClass().getSimpleName());
      throw ApiException.notFound("track file");
    }
    if (!attributes.isRegularFile() || !insideAllowedFolder(real)) {
      LOG.warn("track {}: its file lies outside the library folders; not served", track.id());
      throw ApiException.notFound("track file");
    }
    return new LocalFile(
        track, expiry, real, attributes.size(), attributes.lastModifiedTime().toMillis());
  }

  private boolean insideAllowedFolder(Path real) {
    List<Path> roots = new ArrayList<>();
    roots.add(demoFolder);
    for (String folder : settings.get(Settings.LIBRARY_FOLDERS)) {
      roots.add(Path.of(folder));
    }
    for (Path root : roots) {
      try {
        if (Files.isDirectory(root)) {
          if (real.startsWith(root.toRealPath())) {
            return true;
          }
        }
      } catch (IOException | java.nio.file.InvalidPathException e) {
        // a folder that is gone cannot contain the file
      }
    }
    return false;
  }

  private static long parseExp(String exp) {
    if (exp == null || exp.isEmpty() || exp.length() > 18) {
      return -1;
    }
    for (int i = 0; i < exp.length(); i++) {
      if (exp.charAt(i) < '0' || exp.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(exp);
  }
}
