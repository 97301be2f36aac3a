package dev.tripline.gateway.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A configured webhook receiver. Immutable and valid once built: the config loader calls {@link
 * #validate} (or {@link #of}) so that a bad entry stops start-up with a message naming the field.
 *
 * <p>The secrets are needed to sign but must never reach a log, an error message or a heap dump
 * rendered as text, so {@link #toString()} masks them, and the values of the further {@code
 * headers} (API keys) likewise. Webhook URLs often carry a secret too (user info, a token in the
 * query, or the path itself, as Slack's incoming webhooks do), so anything shown or stored about a
 * destination uses {@link #displayUrl()}.
 *
 * @param id the id rules name in {@code notify:}
 * @param url absolute {@code http} or {@code https} URL the deliveries are POSTed to
 * @param secrets Standard Webhooks signing secrets, {@code whsec_<base64>}: one, or two during a
 *     rotation (both active: every message carries a signature by each)
 * @param timeout limit for one attempt, connect and response included
 * @param format the body format sent to this destination
 * @param frequencyCap at most so many deliveries per user (or other key field) within a window,
 *     across all rules notifying this destination; empty for none
 * @param retry this destination's retry schedule and disable-after, where they differ from the
 *     gateway's
 * @param limits this destination's share of the deliverer: concurrency, queue, rate limit, breaker
 * @param allowPrivate whether deliveries may go to addresses the {@link AddressGuard} refuses
 *     (loopback, private networks, link-local, metadata ...): for in-house receivers and tests
 * @param headers further request headers sent on every attempt (an API key, say), by name, with
 *     their values resolved from the environment; the values are secrets like {@code secrets}
 * @param template the user-defined body, present exactly when {@code format} is {@code template}
 */
public record Destination(
    String id,
    URI url,
    List<String> secrets,
    Duration timeout,
    PayloadFormat format,
    Optional<FrequencyCap> frequencyCap,
    DestinationRetry retry,
    DestinationLimits limits,
    boolean allowPrivate,
    Map<String, String> headers,
    Optional<PayloadTemplate> template) {

  /** The timeout used when the configuration names none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Secrets shorter than this are rejected: the Standard Webhooks spec asks for 24 to 64 bytes. */
  public static final int MIN_SECRET_BYTES = 24;

  /** The most secrets active at once: the current one and the next, while rotating. */
  public static final int MAX_SECRETS = 2;

  /**
   * Headers a destination's {@code headers} may not set: the signature's, and those the HTTP client
   * owns.
   */
  public static final Set<String> RESERVED_HEADERS =
      Set.of(
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "host",
          "content-length",
          "transfer-encoding",
          "connection");

  /** An HTTP header name: an RFC 9110 token. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private static final String SECRET_PREFIX = WebhookSigner.SECRET_PREFIX;

  /**
   * Validates the values; a null timeout, format or limits takes the default, a null cap means
   * none, a null retry means the gateway's settings.
   *
   * @throws IllegalArgumentException listing every problem, each naming its field
   */
  public Destination {
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    format = format == null ? PayloadFormat.STANDARD : format;
    frequencyCap = frequencyCap == null ? Optional.empty() : frequencyCap;
    retry = retry == null ? DestinationRetry.DEFAULTS : retry;
    limits = limits == null ? DestinationLimits.DEFAULTS : limits;
    headers = headers == null ? Map.of() : headers;
    template = template == null ? Optional.empty() : template;
    List<String> problems = new ArrayList<>();
    if (format == PayloadFormat.TEMPLATE && template.isEmpty()) {
      problems.add("template: is required with format: template");
    } else if (format != PayloadFormat.TEMPLATE && template.isPresent()) {
      problems.add(
          "template: only with format: template (or no format), format is \""
              + format.wireName()
              + "\"");
    }
    checkId(id, problems);
    if (url == null) {
      problems.add("url: is required");
    } else {
      checkUrl(url, problems);
    }
    checkSecrets(secrets, problems);
    checkTimeout(timeout, problems);
    problems.addAll(validateHeaders(headers));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    secrets = List.copyOf(secrets);
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * Builds a destination from raw configuration values.
   *
   * @param timeout may be null for {@link #DEFAULT_TIMEOUT}
   * @param format may be null for {@code standard}
   * @throws IllegalArgumentException listing every problem, each naming its field
   */
  public static Destination of(
      String id, String url, String secret, Duration timeout, String format) {
    return of(id, url, secret == null ? null : List.of(secret), timeout, format);
  }

  /**
   * Builds a destination from raw configuration values, with one secret or two (rotation).
   *
   * @param timeout may be null for {@link #DEFAULT_TIMEOUT}
   * @param format may be null for {@code standard}
   * @throws IllegalArgumentException listing every problem, each naming its field
   */
  public static Destination of(
      String id, String url, List<String> secrets, Duration timeout, String format) {
    List<String> problems = validate(id, url, secrets, timeout, format);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new Destination(
        id,
        URI.create(url),
        secrets,
        timeout == null ? DEFAULT_TIMEOUT : timeout,
        format == null ? PayloadFormat.STANDARD : PayloadFormat.parse(format),
        Optional.empty(),
        DestinationRetry.DEFAULTS,
        DestinationLimits.DEFAULTS,
        false,
        Map.of(),
        Optional.empty());
  }

  /** This destination with a frequency cap (null for none). */
  public Destination withFrequencyCap(FrequencyCap cap) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        format,
        Optional.ofNullable(cap),
        retry,
        limits,
        allowPrivate,
        headers,
        template);
  }

  /** This destination with its own retry settings (null for the gateway's). */
  public Destination withRetry(DestinationRetry retry) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        format,
        frequencyCap,
        retry,
        limits,
        allowPrivate,
        headers,
        template);
  }

  /** This destination with other limits (null for the defaults). */
  public Destination withLimits(DestinationLimits limits) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        format,
        frequencyCap,
        retry,
        limits,
        allowPrivate,
        headers,
        template);
  }

  /** This destination allowed (or not) to reach the addresses the {@link AddressGuard} refuses. */
  public Destination withAllowPrivate(boolean allowPrivate) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        format,
        frequencyCap,
        retry,
        limits,
        allowPrivate,
        headers,
        template);
  }

  /**
   * This destination with further request headers, sent on every attempt after the standard ones.
   *
   * @throws IllegalArgumentException as {@link #validateHeaders} reports
   */
  public Destination withHeaders(Map<String, String> headers) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        format,
        frequencyCap,
        retry,
        limits,
        allowPrivate,
        headers,
        template);
  }

  /** This destination rendering its bodies from {@code template} (format {@code template}). */
  public Destination withTemplate(PayloadTemplate template) {
    return new Destination(
        id,
        url,
        secrets,
        timeout,
        PayloadFormat.TEMPLATE,
        frequencyCap,
        retry,
        limits,
        allowPrivate,
        headers,
        Optional.of(template));
  }

  /**
   * Checks a destination's {@code headers} and returns one message per problem, each starting with
   * {@code headers.<name>}; never echoes a value, which may be an API key.
   */
  public static List<String> validateHeaders(Map<String, String> headers) {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    headers.forEach(
        (name, value) -> {
          String field = "headers." + name;
          if (!HEADER_NAME.matcher(name).matches()) {
            problems.add(field + ": must be an HTTP header name (letters, digits, -)");
          } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(
                field + ": is set by Tripline; reserved: " + new TreeSet<>(RESERVED_HEADERS));
          } else if (!seen.add(name.toLowerCase(Locale.ROOT))) {
            problems.add(field + ": set twice (header names ignore case)");
          }
          if (value == null || value.isBlank()) {
            problems.add(field + ": must not be empty");
          } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            problems.add(field + ": must be one line");
          }
        });
    return problems;
  }

  /**
   * Checks raw configuration values and returns one message per problem, each starting with the
   * field name (for example {@code url: must be an absolute http(s) URL, was "ftp://x"}). The
   * caller prefixes the entry's position in its file. An empty list means {@link #of} succeeds.
   *
   * @param timeout may be null for {@link #DEFAULT_TIMEOUT}
   * @param format may be null for {@code standard}
   */
  public static List<String> validate(
      String id, String url, String secret, Duration timeout, String format) {
    return validate(id, url, secret == null ? null : List.of(secret), timeout, format);
  }

  /**
   * Like {@link #validate(String, String, String, Duration, String)}, with one secret or two; with
   * two, a problem names the secret's index ({@code secret[1]: ...}).
   */
  public static List<String> validate(
      String id, String url, List<String> secrets, Duration timeout, String format) {
    List<String> problems = new ArrayList<>();
    checkId(id, problems);
    if (url == null || url.isBlank()) {
      problems.add("url: is required");
    } else {
      try {
        checkUrl(new URI(url), problems);
      } catch (URISyntaxException e) {
        problems.add(urlProblem(url));
      }
    }
    checkSecrets(secrets, problems);
    checkTimeout(timeout, problems);
    if (format != null && PayloadFormat.find(format).isEmpty()) {
      problems.add(
          "format: must be one of " + PayloadFormat.wireNames() + ", was \"" + format + "\"");
    }
    return problems;
  }

  private static void checkId(String id, List<String> problems) {
    if (id == null || id.isBlank()) {
      problems.add("id: is required");
    }
  }

  private static void checkUrl(URI url, List<String> problems) {
    Optional<String> literal = Ipv4Literals.problem(url);
    if (literal.isPresent()) {
      problems.add("url: " + literal.get());
      return;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        url.isAbsolute()
            && (scheme.equals("http") || scheme.equals("https"))
            && url.getHost() != null
            && !url.getHost().isEmpty();
    if (!ok) {
      problems.add(urlProblem(url.toString()));
    }
  }

  private static String urlProblem(String url) {
    return "url: must be an absolute http(s) URL, was \"" + url + "\"";
  }

  private static void checkSecrets(List<String> secrets, List<String> problems) {
    if (secrets == null || secrets.isEmpty()) {
      problems.add("secret: is required (" + SECRET_PREFIX + "<base64>)");
      return;
    }
    if (secrets.size() > MAX_SECRETS) {
      problems.add(
          "secret: at most "
              + MAX_SECRETS
              + " secrets (the current and the next, while rotating), had "
              + secrets.size());
      return;
    }
    for (int i = 0; i < secrets.size(); i++) {
      checkSecret(secrets.size() == 1 ? "secret" : "secret[" + i + "]", secrets.get(i), problems);
    }
  }

  private static void checkSecret(String field, String secret, List<String> problems) {
    // never echo the secret's value: the message may reach a log
    if (secret == null || secret.isEmpty()) {
      problems.add(field + ": is required (" + SECRET_PREFIX + "<base64>)");
      return;
    }
    byte[] key = WebhookSigner.decodeSecret(secret);
    if (key == null) {
      problems.add(field + ": must start with " + SECRET_PREFIX + " and hold base64");
    } else if (key.length < MIN_SECRET_BYTES) {
      problems.add(
          field
              + ": must hold at least "
              + MIN_SECRET_BYTES
              + " bytes of base64-encoded key, had "
              + key.length);
    }
  }

  private static void checkTimeout(Duration timeout, List<String> problems) {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      problems.add("timeout: must be > 0, was " + timeout);
    }
  }

  /**
   * The URL as it may be shown or stored: scheme, host, port and the first path segment; user info,
   * deeper path segments and the query are masked with {@code ***}, e.g. {@code
   * https://hooks.slack.com/services/***}.
   */
  public String displayUrl() {
    StringBuilder shown = new StringBuilder(url.getScheme()).append("://");
    if (url.getRawUserInfo() != null) {
      shown.append("***@");
    }
    shown.append(url.getHost());
    if (url.getPort() != -1) {
      shown.append(':').append(url.getPort());
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    int second = path.indexOf('/', 1);
    if (second > 0 && second < path.length() - 1) {
      shown.append(path, 0, second).append("/***");
    } else {
      shown.append(path);
    }
    if (url.getRawQuery() != null) {
      shown.append("?***");
    }
    return shown.toString();
  }

  /** Like the record's, but with the secrets, the header values and the URL masked. */
  @Override
  public String toString() {
    return "Destination[id="
        + id
        + ", url="
        + displayUrl()
        + ", secrets="
        + secrets.stream().map(s -> SECRET_PREFIX + "***").toList()
        + ", timeout="
        + timeout
        + ", format="
        + format
        + frequencyCap.map(cap -> ", frequencyCap=" + cap.describe()).orElse("")
        + ", limits="
        + limits
        + (allowPrivate ? ", allowPrivate" : "")
        + (headers.isEmpty() ? "" : ", headers=" + headers.keySet() + " (values hidden)")
        + template.map(t -> ", template=" + t).orElse("")
        + "]";
  }
}
