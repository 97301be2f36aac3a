package dev.tripline.gateway.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The SSRF guard: which resolved addresses a destination may not be sent to unless it says {@code
 * allow_private: true}. A webhook URL is configuration, but its host name resolves at send time,
 * and an attacker who controls a DNS record (or an operator's typo) must not turn the gateway into
 * a client of the cloud metadata service, the local MongoDB or the office network.
 *
 * <p>Refused: loopback ({@code 127.0.0.0/8}, {@code ::1}), unspecified and "this network" ({@code
 * 0.0.0.0/8}, {@code ::}), link-local ({@code 169.254.0.0/16}, {@code fe80::/10}), private ({@code
 * 10/8}, {@code 172.16/12}, {@code 192.168/16}), unique local IPv6 ({@code fc00::/7}), CGNAT
 * ({@code 100.64.0.0/10}), multicast ({@code 224.0.0.0/4}, {@code ff00::/8}), broadcast and
 * reserved ({@code 240.0.0.0/4}), and the cloud metadata addresses {@code 169.254.169.254} and
 * {@code fd00:ec2::254} by name. IPv4-mapped IPv6 addresses are judged as the IPv4 address they
 * carry (Java already hands them over as {@link Inet4Address}); IPv4-compatible and NAT64 forms
 * ({@code ::a.b.c.d}, {@code 64:ff9b::a.b.c.d}) and 6to4 ({@code 2002:a.b.c.d::}) are judged by the
 * IPv4 address they embed.
 */
public final class AddressGuard {

  private static final InetAddress METADATA_V4 = literal("169.254.169.254");
  private static final InetAddress METADATA_V6 = literal("fd00:ec2::254");

  private AddressGuard() {}

  /**
   * Why the address is refused (for example {@code "loopback"}), or empty if a delivery may go
   * there.
   */
  public static Optional<String> refusal(InetAddress address) {
    if (address.equals(METADATA_V4) || address.equals(METADATA_V6)) {
      return Optional.of("cloud metadata");
    }
    if (address instanceof Inet4Address v4) {
      return refusal4(v4.getAddress());
    }
    byte[] b = address.getAddress();
    Optional<byte[]> embedded = embeddedIpv4(b);
    if (embedded.isPresent()) {
      return refusal4(embedded.get()).map(reason -> reason + " (embedded in IPv6)");
    }
    Inet6Address v6 = (Inet6Address) address;
    if (v6.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (v6.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (v6.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (v6.isSiteLocalAddress()) {
      return Optional.of("site-local (private)");
    }
    if (v6.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return Optional.of("unique local (private)");
    }
    return Optional.empty();
  }

  private static Optional<String> refusal4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    if (a0 == 0) {
      return Optional.of("unspecified");
    }
    if (a0 == 127) {
      return Optional.of("loopback");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link-local");
    }
    if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
      return Optional.of("private");
    }
    if (a0 == 100 && a1 >= 64 && a1 <= 127) {
      return Optional.of("CGNAT (shared)");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast");
    }
    if (a0 >= 240) {
      return Optional.of("reserved or broadcast");
    }
    return Optional.empty();
  }

  /** The IPv4 address an IPv4-compatible, NAT64 or 6to4 IPv6 address carries. */
  private static Optional<byte[]> embeddedIpv4(byte[] b) {
    boolean zeroPrefix = true;
    for (int i = 0; i < 12; i++) {
      zeroPrefix &= b[i] == 0;
    }
    // ::a.b.c.d, but not :: and ::1, which are judged as IPv6
    if (zeroPrefix && ((b[12] | b[13]) != 0)) {
      return Optional.of(new byte[] {b[12], b[13], b[14], b[15]});
    }
    boolean nat64 =
        (b[0] & 0xff) == 0x00
            && (b[1] & 0xff) == 0x64
            && (b[2] & 0xff) == 0xff
            && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    if (nat64) {
      return Optional.of(new byte[] {b[12], b[13], b[14], b[15]});
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return Optional.of(new byte[] {b[2], b[3], b[4], b[5]});
    }
    return Optional.empty();
  }

  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
