package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIpResolverTest {

  private final ClientIpResolver resolver =
      ClientIpResolver.trusting(List.of("10.0.0.0/8", "192.0.2.7", "fd00::/8", "172.16.0.0/12"));

  @ParameterizedTest(name = "peer {0}, XFF [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // untrusted peer: the header is ignored, whatever it says
        "203.0.113.9  | 1.2.3.4                      | 203.0.113.9",
        "203.0.113.9  | -                            | 203.0.113.9",
        // trusted peer: the rightmost untrusted hop is the client
        "10.0.0.1     | 198.51.100.4                 | 198.51.100.4",
        "10.0.0.1     | 6.6.6.6, 198.51.100.4        | 198.51.100.4",
        "10.0.0.1     | 198.51.100.4, 10.1.2.3       | 198.51.100.4",
        "192.0.2.7    | 198.51.100.4, 172.20.0.1     | 198.51.100.4",
        "10.0.0.1     | -                            | 10.0.0.1",
        // every hop trusted: the leftmost one is the nearest we can vouch for
        "10.0.0.1     | 10.0.0.5, 10.0.0.6           | 10.0.0.5",
        // a malformed hop stops the walk at the address to its right
        "10.0.0.1     | 198.51.100.4, evil.example   | 10.0.0.1",
        "10.0.0.1     | 198.51.100.4, 10.0.0.9, ''   | 10.0.0.1",
        "10.0.0.1     | unknown, 10.0.0.9            | 10.0.0.9",
        "10.0.0.1     | 999.1.1.1                    | 10.0.0.1",
        // ports and brackets as some proxies write them
        "10.0.0.1     | 198.51.100.4:5555            | 198.51.100.4",
        "10.0.0.1     | [2001:db8::1]:443            | 2001:db8::1",
        "10.0.0.1     | [2001:db8::1]                | 2001:db8::1",
        // IPv6
        "fd00::1      | 2001:db8::7                  | 2001:db8::7",
        "2001:db8::9  | 2001:db8::7                  | 2001:db8::9",
        "fd12::1      | 2001:db8::7, fd00::2         | 2001:db8::7",
        // IPv4-mapped peers count as IPv4
        "::ffff:10.0.0.1 | 198.51.100.4              | 198.51.100.4",
        "::ffff:203.0.113.9 | 198.51.100.4           | 203.0.113.9",
      })
  void should_resolve_client_address(String peer, String forwardedFor, String expected) {
    List<String> headers = forwardedFor == null ? List.of() : List.of(forwardedFor);

    assertThat(resolver.resolve(peer.trim(), headers)).isEqualTo(expected);
  }

  @Test
  void should_join_repeated_forwarded_for_headers_in_order() {
    assertThat(resolver.resolve("10.0.0.1", Arrays.asList("198.51.100.4", "6.6.6.6, 10.0.0.2")))
        .isEqualTo("6.6.6.6");
  }

  @Test
  void should_ignore_forwarded_for_when_no_proxy_is_trusted() {
    assertThat(ClientIpResolver.direct().resolve("10.0.0.1", List.of("1.2.3.4")))
        .isEqualTo("10.0.0.1");
  }

  @ParameterizedTest(name = "entry [{0}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "proxy.example   | must be an IP address or CIDR",
        "10.0.0.0/33     | prefix length must be 0..32",
        "fd00::/129      | prefix length must be 0..128",
        "10.0.0.0/x      | prefix length must be 0..32",
        "10.0.0.0/       | prefix length must be 0..32",
        "300.1.1.1       | must be an IP address or CIDR",
        "''              | must be an IP address or CIDR",
      })
  void should_reject_bad_trusted_proxy_entries_naming_them(String entry, String message) {
    assertThatThrownBy(() -> ClientIpResolver.trusting(List.of("10.0.0.1", entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trustedProxies[1]: " + message)
        .hasMessageContaining("\"" + entry + "\"");
  }
}
