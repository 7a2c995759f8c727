package org.samesong.media.stream;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.samesong.catalog.StreamUrls;

/**
 * Signs and checks stream URLs {@code /api/tracks/{id}/stream?exp=<epoch s>&sig=<base64url>}. The
 * signature is HMAC-SHA256 over the track id and the expiry, so a URL plays exactly one track until
 * it expires and needs no other credential: an {@code <audio>} element cannot send an Authorization
 * header. Every instance of a cluster must be built from the same secret.
 */
public class StreamSigner implements StreamUrls {
  /** How long the stream URLs in track JSON stay valid: longer than any track plus pauses. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(6);

  private static final String ALGORITHM = "HmacSHA256";
  private static final Pattern TRACK_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  private static final long MAX_EXP = Long.MAX_VALUE / 1000;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Clock clock;

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

  /** A stream URL valid for {@link #DEFAULT_TTL} from now. */
  @Override
  public String streamUrl(String trackId) {
    return sign(trackId, DEFAULT_TTL);
  }

  /**
   * A relative URL {@code /api/tracks/{id}/stream?exp=…&sig=…} that plays this track until {@code
   * ttl} from now.
   *
   * @throws IllegalArgumentException for an id that is not a plain path segment, or a ttl that is
   *     not positive
   */
  public String sign(String trackId, Duration ttl) {
    if (trackId == null || !TRACK_ID.matcher(trackId).matches()) {
      throw new IllegalArgumentException("not a track id: " + trackId);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the ttl must be positive");
    }
    // rounded up to the next whole second, so a URL never expires earlier than asked
    long exp = Math.floorDiv(clock.millis() + ttl.toMillis() + 999, 1000);
    return "/api/tracks/" + trackId + "/stream?exp=" + exp + "&sig=" + signature(trackId, exp);
  }

  /**
   * True when {@code sig} is this signer's signature of the track and expiry, and the expiry has
   * not passed. The comparison takes the same time wherever the signatures differ.
   */
  public boolean verify(String trackId, long exp, String sig) {
    if (trackId == null
        || !TRACK_ID.matcher(trackId).matches()
        || sig == null
        || sig.length() > 64) {
      return false;
    }
    if (exp <= 0 || exp > MAX_EXP || clock.millis() >= exp * 1000) {
      return false;
    }
    byte[] expected = signature(trackId, exp).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String trackId, long exp) {
    return BASE64URL.encodeToString(hmac(key, trackId + "\n" + exp));
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
