package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

  private static InetAddress ip(String literal) throws UnknownHostException {
    // a literal: no lookup happens
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "::1, loopback",
    "0.0.0.0, unspecified",
    "::, unspecified",
    "10.1.2.3, private",
    "172.16.0.1, private",
    "172.31.255.254, private",
    "192.168.0.10, private",
    "fc00::1, unique local (private)",
    "fd12:3456::1, unique local (private)",
    "100.64.0.1, CGNAT (shared)",
    "100.127.255.254, CGNAT (shared)",
    "169.254.0.1, link-local",
    "fe80::1, link-local",
    "224.0.0.251, multicast",
    "ff02::1, multicast",
    "255.255.255.255, reserved or broadcast",
    "169.254.169.254, cloud metadata",
    "fd00:ec2::254, cloud metadata",
    "::ffff:127.0.0.1, loopback",
    "::ffff:169.254.169.254, cloud metadata",
    "::10.0.0.1, private (embedded in IPv6)",
    "64:ff9b::192.168.1.1, private (embedded in IPv6)",
    "2002:7f00:1::, loopback (embedded in IPv6)",
  })
  void should_refuse_each_internal_address_class(String address, String reason)
      throws UnknownHostException {
    assertThat(AddressGuard.refusal(ip(address))).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "8.8.8.8",
        "172.15.255.255",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.255.255",
        "2606:4700:4700::1111",
        "64:ff9b::8.8.8.8"
      })
  void should_let_public_addresses_through(String address) throws UnknownHostException {
    assertThat(AddressGuard.refusal(ip(address))).isEmpty();
  }
}
