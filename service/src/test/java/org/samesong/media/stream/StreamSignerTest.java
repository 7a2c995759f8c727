package org.samesong.media.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.samesong.testing.MutableClock;

/** Signed, expiring stream URLs: what a player receives and what the stream endpoint accepts. */
class StreamSignerTest {
  private static final Pattern URL =
      Pattern.compile("/api/tracks/([^/?]+)/stream\\?exp=(\\d+)&sig=([A-Za-z0-9_-]+)");
  private static final String TRACK = "5b0c1a7e-3f4d-4e8a-9b2c-0d1e2f3a4b5c";
  private static final String OTHER = "9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a";

  private final MutableClock clock = new MutableClock();
  private final StreamSigner signer =
      new StreamSigner(secret("the stream secret of this test..."), clock);

  /** The parts of a signed URL: track id, expiry, signature. */
  private record Signed(String trackId, long exp, String sig) {}

  private static Signed parse(String url) {
    Matcher m = URL.matcher(url);
    assertThat(m.matches()).as("shape of %s", url).isTrue();
    return new Signed(m.group(1), Long.parseLong(m.group(2)), m.group(3));
  }

  private static byte[] secret(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_signed_url_is_relative_names_the_track_and_verifies() {
    Signed url = parse(signer.sign(TRACK, Duration.ofMinutes(10)));

    assertThat(url.trackId()).isEqualTo(TRACK);
    assertThat(url.exp()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)).getEpochSecond());
    assertThat(url.sig()).hasSize(43); // 32 bytes of HMAC-SHA256, base64url without padding
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isTrue();
  }

  @Test
  void catalog_urls_stay_valid_for_the_configured_lifetime_fifteen_minutes_by_default() {
    Signed url = parse(signer.streamUrl(TRACK));

    assertThat(url.exp()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)).getEpochSecond());
    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isFalse();

    signer.ttlFrom(() -> Duration.ofMinutes(2));
    Signed shorter = parse(signer.streamUrl(TRACK));
    assertThat(shorter.exp())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(2)).getEpochSecond());
  }

  @Test
  void a_members_url_names_the_member_under_the_signature_and_passes_for_no_one_else() {
    String url = org.samesong.common.StreamAudience.of("member-a", () -> signer.streamUrl(TRACK));
    Matcher m =
        Pattern.compile("/api/tracks/([^/?]+)/stream\\?exp=(\\d+)&m=member-a&sig=([A-Za-z0-9_-]+)")
            .matcher(url);
    assertThat(m.matches()).as(url).isTrue();
    long exp = Long.parseLong(m.group(2));
    String sig = m.group(3);

    assertThat(signer.verify(TRACK, exp, "member-a", sig)).isTrue();
    assertThat(signer.verify(TRACK, exp, "member-b", sig)).isFalse();
    assertThat(signer.verify(TRACK, exp, sig)).as("without its member").isFalse();
    // a member-less URL does not pass for a member's either
    Signed plain = parse(signer.sign(TRACK, Duration.ofMinutes(10)));
    assertThat(signer.verify(TRACK, plain.exp(), "member-a", plain.sig())).isFalse();
  }

  @Test
  void a_broadcasts_urls_are_bound_to_each_member_keeping_their_expiry() {
    String first = signer.sign(TRACK, Duration.ofMinutes(10));
    String second = signer.sign(OTHER, Duration.ofMinutes(5));
    String json = "{\"a\":\"" + first + "\",\"b\":\"" + second + "\"}";

    String bound = signer.bindTo(json, "member-a");

    Matcher m =
        Pattern.compile("/api/tracks/([^/?]+)/stream\\?exp=(\\d+)&m=member-a&sig=([A-Za-z0-9_-]+)")
            .matcher(bound);
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(signer.verify(m.group(1), Long.parseLong(m.group(2)), "member-a", m.group(3)))
          .isTrue();
    }
    assertThat(found).isEqualTo(2);
    assertThat(bound).doesNotContain(first).doesNotContain(second);
    String nothing = "{\"type\":\"pong\"}";
    assertThat(signer.bindTo(nothing, "member-a")).isSameAs(nothing);
  }

  @Test
  void an_expired_url_is_refused() {
    Signed url = parse(signer.sign(TRACK, Duration.ofSeconds(30)));

    clock.advance(Duration.ofSeconds(29));
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isFalse();
    clock.advance(Duration.ofDays(1));
    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isFalse();
  }

  @Test
  void a_changed_character_anywhere_in_the_signature_is_refused() {
    Signed url = parse(signer.sign(TRACK, Duration.ofHours(1)));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    for (int i = 0; i < url.sig().length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == url.sig().charAt(i)) {
          continue;
        }
        String tampered = url.sig().substring(0, i) + c + url.sig().substring(i + 1);
        assertThat(signer.verify(TRACK, url.exp(), tampered))
            .as("signature %s", tampered)
            .isFalse();
      }
    }
  }

  @Test
  void a_truncated_extended_or_garbage_signature_is_refused() {
    Signed url = parse(signer.sign(TRACK, Duration.ofHours(1)));

    assertThat(signer.verify(TRACK, url.exp(), url.sig().substring(1))).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), url.sig() + "A")).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), url.sig() + "=")).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), "")).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), null)).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), "not base64 at all!")).isFalse();
    assertThat(signer.verify(TRACK, url.exp(), "A".repeat(10_000))).isFalse();
  }

  @Test
  void a_later_expiry_cannot_be_written_into_the_url() {
    Signed url = parse(signer.sign(TRACK, Duration.ofMinutes(5)));

    assertThat(signer.verify(TRACK, url.exp() + 1, url.sig())).isFalse();
    assertThat(signer.verify(TRACK, url.exp() + 86_400, url.sig())).isFalse();
    assertThat(signer.verify(TRACK, -1, url.sig())).isFalse();
    assertThat(signer.verify(TRACK, Long.MAX_VALUE, url.sig())).isFalse();
  }

  @Test
  void a_url_does_not_play_another_track() {
    Signed url = parse(signer.sign(TRACK, Duration.ofHours(1)));
    Signed other = parse(signer.sign(OTHER, Duration.ofHours(1)));

    assertThat(signer.verify(OTHER, url.exp(), url.sig())).isFalse();
    assertThat(signer.verify(TRACK, other.exp(), other.sig())).isFalse();
    assertThat(signer.verify(TRACK.toUpperCase(), url.exp(), url.sig())).isFalse();
    assertThat(signer.verify(TRACK + "x", url.exp(), url.sig())).isFalse();
    assertThat(signer.verify(null, url.exp(), url.sig())).isFalse();
  }

  @Test
  void a_url_signed_with_another_secret_is_refused_and_instances_sharing_one_agree() {
    StreamSigner stranger = new StreamSigner(secret("a different secret, 32 bytes long"), clock);
    StreamSigner sameSecret = new StreamSigner(secret("the stream secret of this test..."), clock);
    Signed url = parse(stranger.sign(TRACK, Duration.ofHours(1)));
    Signed ours = parse(signer.sign(TRACK, Duration.ofHours(1)));

    assertThat(signer.verify(TRACK, url.exp(), url.sig())).isFalse();
    assertThat(sameSecret.verify(TRACK, ours.exp(), ours.sig())).isTrue();
  }

  @Test
  void a_derived_signer_does_not_sign_with_the_master_secret_itself() {
    byte[] master = secret("the JWT secret of a whole cluster, 48 bytes long");
    StreamSigner derived = StreamSigner.derivedFrom(master, clock);
    StreamSigner raw = new StreamSigner(master, clock);
    Signed url = parse(derived.sign(TRACK, Duration.ofHours(1)));

    assertThat(StreamSigner.derivedFrom(master, clock).verify(TRACK, url.exp(), url.sig()))
        .isTrue();
    assertThat(raw.verify(TRACK, url.exp(), url.sig())).isFalse();
  }

  @Test
  void short_secrets_odd_ids_and_non_positive_lifetimes_are_programming_errors() {
    assertThatThrownBy(() -> new StreamSigner(new byte[31], clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign("a/b", Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign("a?b", Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign("", Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(TRACK, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign(TRACK, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_secret_array_is_copied_so_later_changes_do_not_matter() {
    byte[] key = secret("a secret that the caller changes.");
    StreamSigner copy = new StreamSigner(key, clock);
    Signed url = parse(copy.sign(TRACK, Duration.ofHours(1)));

    java.util.Arrays.fill(key, (byte) 0);

    assertThat(copy.verify(TRACK, url.exp(), url.sig())).isTrue();
  }
}
