package org.samesong.media.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samesong.common.ApiException;

/** The address check of URL tracks, and the form of their URLs. */
class UrlGuardTest {
  private final AtomicBoolean allowPrivate = new AtomicBoolean(false);
  private final UrlGuard guard = new UrlGuard(allowPrivate::get);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "localhost",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "64:ff9b::a00:1",
        "2002:c0a8:101::1"
      })
  void private_and_special_addresses_are_refused(String host) {
    assertThatThrownBy(() -> guard.resolve(host, 80))
        .isInstanceOf(UrlGuard.RefusedAddressException.class)
        .hasMessageContaining("allow_private_urls");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "localhost",
        "10.0.0.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "::ffff:127.0.0.1"
      })
  void the_setting_allows_private_addresses(String host) {
    allowPrivate.set(true);
    assertThatCode(() -> guard.resolve(host, 80)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.32.0.1",
        "192.169.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e"
      })
  void public_addresses_are_allowed(String host) {
    assertThatCode(() -> guard.resolve(host, 80)).doesNotThrowAnyException();
  }

  @Test
  void a_host_with_one_private_address_among_public_ones_is_refused() throws Exception {
    List<InetAddress> mixed =
        List.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.1.2.3"));
    assertThatThrownBy(() -> guard.check("mixed.example", 443, mixed))
        .isInstanceOf(UrlGuard.RefusedAddressException.class)
        .hasMessageContaining("10.1.2.3")
        .hasMessageContaining("private");
  }

  @Test
  void a_trusted_endpoint_is_exempt_on_its_port_only() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    UrlGuard trusting =
        new UrlGuard(allowPrivate::get, Set.of(new InetSocketAddress(loopback, 8123)));
    assertThatCode(() -> trusting.check("127.0.0.1", 8123, List.of(loopback)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> trusting.check("127.0.0.1", 8124, List.of(loopback)))
        .isInstanceOf(UrlGuard.RefusedAddressException.class);
  }

  @Test
  void urls_are_kept_in_one_canonical_form() {
    assertThat(
            RemoteUrl.parse(" HTTPS://Music.Example.ORG:443/a%20b/Song.mp3?x=1#part ").toString())
        .isEqualTo("https://music.example.org/a%20b/Song.mp3?x=1");
    assertThat(RemoteUrl.parse("http://example.org").toString()).isEqualTo("http://example.org/");
    assertThat(RemoteUrl.parse("http://example.org:8080/x").toString())
        .isEqualTo("http://example.org:8080/x");
    assertThat(RemoteUrl.parse("http://[::1]:8080/x").toString()).isEqualTo("http://[::1]:8080/x");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "ftp://example.org/a.mp3",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:a@example.org",
        "example.org/a.mp3",
        "/relative/a.mp3",
        "http://",
        "http:///a.mp3",
        "http://user:secret@example.org/a.mp3",
        "http://user@example.org/a.mp3",
        "http://exa mple.org/a.mp3",
        "http://example.org:99999/a.mp3",
        "http://example.org:0/a.mp3",
        "http://under_score.example.org/a.mp3",
        "http://example.org/<script>"
      })
  void unacceptable_urls_are_400_naming_the_field(String url) {
    assertThatThrownBy(() -> RemoteUrl.parse(url))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("url");
              assertThat(e.code()).isEqualTo("invalid_url");
            });
  }

  @Test
  void a_url_longer_than_2048_characters_is_refused() {
    String url = "https://example.org/" + "a".repeat(2048);
    assertThatThrownBy(() -> RemoteUrl.parse(url))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getMessage()).contains("2048"));
  }
}
