package org.samesong.media.url;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Keeps URL tracks from reaching into the server's own network (server-side request forgery): an
 * address is refused when it is loopback, private (10/8, 172.16/12, 192.168/16), link-local
 * (169.254/16, fe80::/10), unique-local (fc00::/7), shared CGNAT space (100.64/10), unspecified,
 * multicast, broadcast or otherwise reserved, also when written as an IPv4-mapped, IPv4-compatible,
 * NAT64 or 6to4 IPv6 address. A host is refused when any of its addresses is. The {@code
 * allow_private_urls} setting turns the check off (a home server streaming from a NAS).
 *
 * <p>The check runs when a URL is added and again whenever a connection is opened (see {@link
 * OriginClient}), so a name that resolves differently later (DNS rebinding) and every redirect hop
 * are checked too.
 */
public final class UrlGuard {
  private final BooleanSupplier allowPrivate;
  private final Set<InetSocketAddress> trusted;

  /**
   * @param allowPrivate read at every check: the {@code allow_private_urls} setting
   */
  public UrlGuard(BooleanSupplier allowPrivate) {
    this(allowPrivate, Set.of());
  }

  /**
   * @param trusted endpoints (address and port) exempt from the check, e.g. a known internal media
   *     server; tests use one to stand for a public origin
   */
  public UrlGuard(BooleanSupplier allowPrivate, Set<InetSocketAddress> trusted) {
    this.allowPrivate = Objects.requireNonNull(allowPrivate, "allowPrivate");
    this.trusted = Set.copyOf(trusted);
  }

  /** Thrown when a host resolves to an address the guard refuses. */
  public static final class RefusedAddressException extends UnknownHostException {
    public RefusedAddressException(String message) {
      super(message);
    }
  }

  /**
   * Resolves {@code host} and returns its addresses when every one may be contacted on {@code
   * port}.
   *
   * @throws RefusedAddressException when one may not (the message says why)
   * @throws UnknownHostException when the name does not resolve
   */
  public List<InetAddress> resolve(String host, int port) throws UnknownHostException {
    List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
    check(host, port, addresses);
    return addresses;
  }

  /** Refuses the host unless each of its addresses may be contacted on {@code port}. */
  public void check(String host, int port, List<InetAddress> addresses)
      throws RefusedAddressException {
    if (allowPrivate.getAsBoolean()) {
      return;
    }
    for (InetAddress address : addresses) {
      if (trusted.contains(new InetSocketAddress(address, port))) {
        continue;
      }
      String why = refusal(address);
      if (why != null) {
        throw new RefusedAddressException(
            host
                + " resolves to "
                + address.getHostAddress()
                + ", "
                + why
                + "; URL tracks must be on the public internet (an admin can allow private"
                + " addresses with the setting allow_private_urls)");
      }
    }
  }

  /** Why the address may not be contacted, or null when it is a public unicast address. */
  static String refusal(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      Inet4Address embedded = embeddedIpv4(b);
      if (embedded != null) {
        return refusal(embedded);
      }
      if (v6.isLoopbackAddress()) {
        return "a loopback address";
      }
      if (v6.isAnyLocalAddress()) {
        return "the unspecified address";
      }
      if (v6.isMulticastAddress()) {
        return "a multicast address";
      }
      if (v6.isLinkLocalAddress() || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "a link-local address";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "a unique-local (private) address";
      }
      if (v6.isSiteLocalAddress()) {
        return "a site-local (private) address";
      }
      if ((b[0] & 0xff) == 0x01 && allZero(b, 1, 8)) {
        return "a discard-only address";
      }
      if ((b[0] & 0xff) == 0x20
          && (b[1] & 0xff) == 0x01
          && (b[2] & 0xff) == 0x0d
          && (b[3] & 0xff) == 0xb8) {
        return "a documentation address";
      }
      return null;
    }
    byte[] b = address.getAddress();
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (address.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (first == 0) {
      return "the unspecified address";
    }
    if (address.isSiteLocalAddress()) {
      return "a private address";
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local address";
    }
    if (first == 100 && (second & 0xc0) == 64) {
      return "a shared (CGNAT) address";
    }
    if (address.isMulticastAddress()) {
      return "a multicast address";
    }
    if (first >= 240) {
      return "a reserved or broadcast address";
    }
    if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
      return "a reserved (IETF protocol) address";
    }
    if (first == 198 && (second & 0xfe) == 18) {
      return "a benchmarking address";
    }
    return null;
  }

  /**
   * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
   * (64:ff9b::/96) or 6to4 (2002::/16) address; null for other addresses. (Java already turns most
   * IPv4-mapped addresses into {@link Inet4Address}.)
   */
  private static Inet4Address embeddedIpv4(byte[] b) {
    byte[] v4 = null;
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if (allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] & 0xff) <= 1)) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if ((b[0] & 0xff) == 0x00
        && (b[1] & 0xff) == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b
        && allZero(b, 4, 12)) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      v4 = new byte[] {b[2], b[3], b[4], b[5]};
    }
    if (v4 == null) {
      return null;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
