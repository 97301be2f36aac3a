package dev.tripline.gateway.delivery;

import java.net.URI;
import java.util.Optional;

/**
 * Refuses destination hosts that some client would read as an IPv4 address other than the one the
 * operator sees. The JDK reads {@code 0177.0.0.1} as 177.0.0.1, a public address, while curl and
 * browsers (the WHATWG URL parser) read it as 127.0.0.1; hexadecimal ({@code 0x7f.0.0.1}), single
 * numbers ({@code 2130706433}), shortened forms ({@code 127.1}) and a trailing dot differ the same
 * way. Only four decimal numbers 0-255 without leading zeros mean one address to everyone, so a
 * host that looks numeric (its last label is a number, which is what makes the WHATWG parser treat
 * it as IPv4) must be exactly that.
 */
final class Ipv4Literals {

  private Ipv4Literals() {}

  /**
   * Why the host of {@code url} is refused as an ambiguous IPv4 literal, or empty for a host name,
   * an IPv6 literal, a plain dotted quad or a URL without a host.
   */
  static Optional<String> problem(URI url) {
    // java.net.URI gives no host for some numeric forms (127.1, 0x7f.0.0.1): read the authority
    String host = url.getHost() != null ? url.getHost() : hostOf(url.getRawAuthority());
    return host == null ? Optional.empty() : problem(host);
  }

  /**
   * Why {@code host} is refused as an ambiguous IPv4 literal, or empty for a host name, an IPv6
   * literal or a plain dotted quad.
   */
  static Optional<String> problem(String host) {
    if (host.startsWith("[") || !endsInNumber(host) || isDottedQuad(host)) {
      return Optional.empty();
    }
    long read = whatwgAddress(host);
    String reading =
        read < 0 ? "curl and browsers refuse it" : "curl and browsers read " + dotted(read);
    return Optional.of(
        "host \""
            + host
            + "\" is not a plain IPv4 address ("
            + reading
            + ", other clients may read it otherwise): write four decimal numbers 0-255 without"
            + " leading zeros, or a host name");
  }

  /** The host of an authority ({@code user@host:port}), or null when it has none. */
  private static String hostOf(String authority) {
    if (authority == null) {
      return null;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    if (host.startsWith("[")) {
      return null; // an IPv6 literal, which java.net.URI would have parsed
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /** Four decimal numbers 0-255, each without leading zeros, and nothing else. */
  static boolean isDottedQuad(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < part.length(); i++) {
        if (part.charAt(i) < '0' || part.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The WHATWG URL standard's "ends in a number": its last label (before a final dot) is one. */
  private static boolean endsInNumber(String host) {
    String trimmed = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String last = trimmed.substring(trimmed.lastIndexOf('.') + 1);
    if (last.isEmpty()) {
      return false;
    }
    return last.chars().allMatch(c -> c >= '0' && c <= '9') || number(last) >= 0;
  }

  /** The address the WHATWG IPv4 parser reads, or -1 when it refuses the host. */
  private static long whatwgAddress(String host) {
    String trimmed = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = trimmed.split("\\.", -1);
    if (parts.length > 4) {
      return -1;
    }
    long address = 0;
    for (int i = 0; i < parts.length; i++) {
      long value = number(parts[i]);
      boolean last = i == parts.length - 1;
      // the last part fills every byte the missing parts leave
      long limit = last ? 1L << (8 * (5 - parts.length)) : 256;
      if (value < 0 || value >= limit) {
        return -1;
      }
      address = last ? (address << (8 * (5 - parts.length))) | value : (address << 8) | value;
    }
    return address;
  }

  /** One WHATWG IPv4 part: decimal, {@code 0x} hexadecimal or leading-zero octal; -1 if none. */
  private static long number(String part) {
    if (part.isEmpty()) {
      return -1;
    }
    int radix = 10;
    String digits = part;
    if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() >= 2 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return 0;
    }
    if (digits.length() > 12) {
      return -1; // more than any four bytes, in any radix
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      int digit = Character.digit(digits.charAt(i), radix);
      if (digit < 0 || digits.charAt(i) > 'z') {
        return -1;
      }
      value = value * radix + digit;
    }
    return value;
  }

  private static String dotted(long address) {
    return ((address >> 24) & 0xff)
        + "."
        + ((address >> 16) & 0xff)
        + "."
        + ((address >> 8) & 0xff)
        + "."
        + (address & 0xff);
  }
}
