package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4LiteralsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0177.0.0.1          | curl and browsers read 127.0.0.1",
        "0x7f.0.0.1          | curl and browsers read 127.0.0.1",
        "0X7F.0.0.1          | curl and browsers read 127.0.0.1",
        "2130706433          | curl and browsers read 127.0.0.1",
        "0x7f000001          | curl and browsers read 127.0.0.1",
        "017700000001        | curl and browsers read 127.0.0.1",
        "127.1               | curl and browsers read 127.0.0.1",
        "127.0.1             | curl and browsers read 127.0.0.1",
        "10.0.0.010          | curl and browsers read 10.0.0.8",
        "127.000.000.001     | curl and browsers read 127.0.0.1",
        "01.2.3.4            | curl and browsers read 1.2.3.4",
        "127.0.0.1.          | curl and browsers read 127.0.0.1",
        "169.254.43518       | curl and browsers read 169.254.169.254",
        "0                   | curl and browsers read 0.0.0.0",
        "256.1.1.1           | curl and browsers refuse it",
        "1.2.3.4.5           | curl and browsers refuse it",
        "1.2.3.256           | curl and browsers refuse it",
        "08.1.1.1            | curl and browsers refuse it",
        "4294967296          | curl and browsers refuse it",
        "hooks.example.123   | curl and browsers refuse it",
        "hooks.0x7f          | curl and browsers refuse it",
      })
  void should_refuse_a_numeric_host_that_is_not_a_plain_dotted_quad(String host, String reading) {
    assertThat(Ipv4Literals.problem(host))
        .contains(
            "host \""
                + host
                + "\" is not a plain IPv4 address ("
                + reading
                + ", other clients may read it otherwise): write four decimal numbers 0-255"
                + " without leading zeros, or a host name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0.0.0.0",
        "10.0.0.8",
        "93.184.215.14",
        "255.255.255.255",
        "hooks.example",
        "hooks.example.",
        "localhost",
        "1password.com",
        "123.example",
        "hooks.0x7f.example",
        "[::1]",
        "[::ffff:127.0.0.1]"
      })
  void should_accept_a_host_name_or_a_plain_address(String host) {
    assertThat(Ipv4Literals.problem(host)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://127.1/hook, 127.1",
    "http://0x7f.0.0.1:8080/hook, 0x7f.0.0.1",
    "https://user:pw@0177.0.0.1/hook, 0177.0.0.1",
    "http://2130706433/hook?token=x, 2130706433"
  })
  void should_find_the_host_in_a_url_that_java_net_uri_cannot_split(String url, String host) {
    assertThat(Ipv4Literals.problem(URI.create(url))).hasValueSatisfying(p -> p.contains(host));
  }
}
