package org.samesong.media.stream;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.samesong.catalog.StreamUrls;
import org.samesong.common.StreamAudience;

/**
 * Signs and checks stream URLs {@code /api/tracks/{id}/stream?exp=<epoch
 * s>[&m=<member>]&sig=<base64url>}. The signature is HMAC-SHA256 over the track id, the expiry and
 * the member the URL was made for (when it was made for one: see {@link StreamAudience}), so a URL
 * plays exactly one track until it expires (setting {@code stream_url_ttl_s}) and needs no other
 * credential: an {@code <audio>} element cannot send an Authorization header. A member's URL also
 * stops when the member is kicked (the stream endpoint asks). Every instance of a cluster must be
 * built from the same secret.
 */
public class StreamSigner implements StreamUrls {
  /** How long the stream URLs in track JSON stay valid unless told otherwise ({@link #ttlFrom}). */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(900);

  /** A member-less stream URL as {@link #sign} writes it (what a broadcast carries). */
  private static final Pattern UNBOUND_URL =
      Pattern.compile(
          "/api/tracks/([A-Za-z0-9._~-]{1,64})/stream\\?exp=([0-9]{1,18})&sig=[A-Za-z0-9_-]{1,64}");

  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  private static final String ALGORITHM = "HmacSHA256";
  private static final Pattern TRACK_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  private static final long MAX_EXP = Long.MAX_VALUE / 1000;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Clock clock;
  private volatile Supplier<Duration> ttl = () -> DEFAULT_TTL;

  /**
   * @param secret at least 32 bytes; use the same on every instance
   */
  public StreamSigner(byte[] secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 32) {
      throw new IllegalArgumentException("the stream URL secret must have at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A signer whose key is derived from another secret (e.g. the JWT secret), so that one configured
   * secret serves both without a signature of one kind ever being valid as the other.
   */
  public static StreamSigner derivedFrom(byte[] masterSecret, Clock clock) {
    Objects.requireNonNull(masterSecret, "masterSecret");
    if (masterSecret.length == 0) {
      throw new IllegalArgumentException("the master secret must not be empty");
    }
    byte[] derived = hmac(new SecretKeySpec(masterSecret, ALGORITHM), "samesong stream urls v1");
    return new StreamSigner(derived, clock);
  }

  /**
   * Where the lifetime of the URLs in track JSON comes from (the {@code stream_url_ttl_s} setting).
   */
  public void ttlFrom(Supplier<Duration> ttl) {
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /**
   * A stream URL valid for the configured lifetime from now, for the member this thread works for
   * ({@link StreamAudience}; none: a URL of nobody in particular).
   */
  @Override
  public String streamUrl(String trackId) {
    return sign(trackId, ttl.get(), StreamAudience.member());
  }

  /**
   * Binds the member-less stream URLs in {@code json} (a broadcast, serialised once for everyone)
   * to {@code memberId}, keeping their expiry: what one connection is sent. Text without any URL is
   * returned as it is, without a copy.
   */
  public String bindTo(String json, String memberId) {
    if (json == null || memberId == null || !json.contains("/stream?exp=")) {
      return json;
    }
    Matcher m = UNBOUND_URL.matcher(json);
    StringBuilder out = null;
    while (m.find()) {
      if (out == null) {
        out = new StringBuilder(json.length() + 64);
      }
      String trackId = m.group(1);
      long exp = Long.parseLong(m.group(2));
      m.appendReplacement(out, Matcher.quoteReplacement(url(trackId, exp, memberId)));
    }
    if (out == null) {
      return json;
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * A relative URL {@code /api/tracks/{id}/stream?exp=…&sig=…} that plays this track until {@code
   * ttl} from now.
   *
   * @throws IllegalArgumentException for an id that is not a plain path segment, or a ttl that is
   *     not positive
   */
  public String sign(String trackId, Duration ttl) {
    return sign(trackId, ttl, null);
  }

  /**
   * A relative URL that plays this track until {@code ttl} from now, for {@code memberId} (null:
   * for nobody in particular): {@code /api/tracks/{id}/stream?exp=…&m=…&sig=…}.
   *
   * @throws IllegalArgumentException for an id that is not a plain path segment, or a ttl that is
   *     not positive
   */
  public String sign(String trackId, Duration ttl, String memberId) {
    if (trackId == null || !TRACK_ID.matcher(trackId).matches()) {
      throw new IllegalArgumentException("not a track id: " + trackId);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the ttl must be positive");
    }
    if (memberId != null && !MEMBER_ID.matcher(memberId).matches()) {
      throw new IllegalArgumentException("not a member id");
    }
    // rounded up to the next whole second, so a URL never expires earlier than asked
    long exp = Math.floorDiv(clock.millis() + ttl.toMillis() + 999, 1000);
    return url(trackId, exp, memberId);
  }

  private String url(String trackId, long exp, String memberId) {
    return "/api/tracks/"
        + trackId
        + "/stream?exp="
        + exp
        + (memberId == null ? "" : "&m=" + memberId)
        + "&sig="
        + signature(trackId, exp, memberId);
  }

  /** {@link #verify(String, long, String, String)} of a URL made for nobody in particular. */
  public boolean verify(String trackId, long exp, String sig) {
    return verify(trackId, exp, null, sig);
  }

  /**
   * True when {@code sig} is this signer's signature of the track, expiry and member (null: none),
   * and the expiry has not passed. The comparison takes the same time wherever the signatures
   * differ.
   */
  public boolean verify(String trackId, long exp, String memberId, String sig) {
    if (trackId == null
        || !TRACK_ID.matcher(trackId).matches()
        || sig == null
        || sig.length() > 64
        || (memberId != null && !MEMBER_ID.matcher(memberId).matches())) {
      return false;
    }
    if (exp <= 0 || exp > MAX_EXP || clock.millis() >= exp * 1000) {
      return false;
    }
    byte[] expected = signature(trackId, exp, memberId).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String trackId, long exp, String memberId) {
    // a member's URL signs one more line: it can never pass for a member-less one, nor the reverse
    String message = trackId + "\n" + exp + (memberId == null ? "" : "\nmember " + memberId);
    return BASE64URL.encodeToString(hmac(key, message));
  }

  private static byte[] hmac(SecretKeySpec key, String message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
    }
  }
}
