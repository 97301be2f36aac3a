package dev.tripline.handlers;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which address an event came from. The peer address is the truth unless the peer is one of
 * our own trusted proxies; only then is {@code X-Forwarded-For} believed, and only as far as the
 * chain of trusted hops reaches, because anyone can write that header.
 *
 * <p>Behind a trusted peer the header is walked from the right (the entries our proxies appended),
 * skipping trusted hops, and the first untrusted address is the client. A malformed entry stops the
 * walk: nothing to its left can be vouched for, so the nearest address to its right is used.
 * Addresses are parsed as literals only (never resolved through DNS, which would block and let a
 * client steer lookups) and are returned in canonical form; IPv4-mapped IPv6 addresses are treated
 * as IPv4. Immutable and thread-safe.
 */
public final class ClientIpResolver {

  private static final String X_FORWARDED_FOR = "X-Forwarded-For";

  private final List<Cidr> trusted;

  private ClientIpResolver(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** A resolver that trusts no proxy: the peer address is always the client. */
  public static ClientIpResolver direct() {
    return new ClientIpResolver(List.of());
  }

  /**
   * A resolver that believes {@code X-Forwarded-For} from the given proxies.
   *
   * @param trustedProxies IP addresses or CIDR ranges, IPv4 or IPv6, e.g. {@code 10.0.0.0/8},
   *     {@code 192.0.2.7}, {@code fd00::/8}
   * @throws IllegalArgumentException naming the first entry that is not an address or range
   */
  public static ClientIpResolver trusting(List<String> trustedProxies) {
    List<Cidr> ranges = new ArrayList<>();
    for (int i = 0; i < trustedProxies.size(); i++) {
      ranges.add(Cidr.parse(trustedProxies.get(i), "trustedProxies[" + i + "]"));
    }
    return new ClientIpResolver(ranges);
  }

  /** The client address of a request, or {@code null} when the peer has no IP address. */
  public String resolve(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String peerHost = peer == null ? null : peer.hostAddress();
    if (peerHost == null || trusted.isEmpty()) {
      return peerHost == null ? null : canonical(peerHost);
    }
    return resolve(peerHost, request.headers().getAll(X_FORWARDED_FOR));
  }

  /**
   * The client address given the peer address and every {@code X-Forwarded-For} header value in the
   * order received.
   */
  public String resolve(String peer, List<String> forwardedFor) {
    byte[] peerBytes = parseAddress(peer);
    if (peerBytes == null) {
      return peer;
    }
    String nearest = NetUtil.bytesToIpAddress(peerBytes);
    if (!isTrusted(peerBytes)) {
      return nearest;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      hops.addAll(Arrays.asList(header.split(",", -1)));
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = parseAddress(hops.get(i).trim());
      if (hop == null) {
        return nearest;
      }
      nearest = NetUtil.bytesToIpAddress(hop);
      if (!isTrusted(hop)) {
        return nearest;
      }
    }
    return nearest;
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static String canonical(String address) {
    byte[] bytes = parseAddress(address);
    return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
  }

  /**
   * Parses an address literal as proxies write it: plain, {@code [v6]}, {@code [v6]:port} or {@code
   * v4:port}.
   *
   * @return 4 or 16 bytes, or {@code null} when it is not an address literal
   */
  static byte[] parseAddress(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    String literal = text;
    if (literal.startsWith("[")) {
      int close = literal.indexOf(']');
      if (close < 0 || !isPortSuffix(literal, close + 1)) {
        return null;
      }
      literal = literal.substring(1, close);
    } else {
      int colon = literal.indexOf(':');
      if (colon >= 0 && colon == literal.lastIndexOf(':') && literal.indexOf('.') >= 0) {
        if (!isPortSuffix(literal, colon)) {
          return null;
        }
        literal = literal.substring(0, colon);
      }
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) {
      return null;
    }
    return isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
  }

  private static boolean isPortSuffix(String text, int from) {
    if (from == text.length()) {
      return true;
    }
    if (text.charAt(from) != ':' || from + 1 == text.length() || text.length() - from > 6) {
      return false;
    }
    for (int i = from + 1; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
  }

  /** An address range; a single address is a range with a full-length prefix. */
  private record Cidr(byte[] network, int prefixBits) {

    static Cidr parse(String entry, String name) {
      if (entry == null) {
        throw new IllegalArgumentException(name + ": must be an IP address or CIDR, was null");
      }
      String text = entry.trim();
      int slash = text.indexOf('/');
      String addressPart = slash < 0 ? text : text.substring(0, slash);
      byte[] address =
          addressPart.contains("[") || addressPart.isEmpty()
              ? null
              : NetUtil.createByteArrayFromIpAddressString(addressPart);
      if (address == null) {
        throw new IllegalArgumentException(
            name
                + ": must be an IP address or CIDR such as 10.0.0.0/8 or fd00::/8, was \""
                + entry
                + "\"");
      }
      if (isIpv4Mapped(address)) {
        address = Arrays.copyOfRange(address, 12, 16);
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String prefixText = text.substring(slash + 1);
        try {
          prefix = Integer.parseInt(prefixText);
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits || !prefixText.chars().allMatch(Character::isDigit)) {
          throw new IllegalArgumentException(
              name + ": prefix length must be 0.." + bits + ", was \"" + entry + "\"");
        }
      }
      return new Cidr(address, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
