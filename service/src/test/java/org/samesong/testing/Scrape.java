package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /prometheus} on an admin port, parsed strictly: every line is a {@code #
 * HELP}/{@code # TYPE} comment or a sample {@code name{label="value",...} value}; anything else
 * fails the parse. Samples are looked up by name and labels.
 */
public final class Scrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern COMMENT =
      Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
  private static final Pattern VALUE =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|[-+]?Inf|NaN");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final String contentType;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> help = new LinkedHashMap<>();
  private final Map<String, String> types = new LinkedHashMap<>();

  private Scrape(String text, String contentType) {
    this.text = text;
    this.contentType = contentType;
    parse();
  }

  /** GETs {@code http://localhost:<adminPort>/prometheus} (asserting 200) and parses it. */
  public static Scrape of(int adminPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + adminPort + "/prometheus"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET /prometheus: %s", response.body()).isEqualTo(200);
      return new Scrape(response.body(), response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new AssertionError("scraping /prometheus on port " + adminPort + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Parses text already scraped (or written by the library's own text writer). */
  public static Scrape parse(String text) {
    return new Scrape(text, "");
  }

  /**
   * Scrapes until {@code condition} holds (what the server counts after it answered, such as a
   * close, lands a moment later), at most 5 s; returns the last scrape either way.
   */
  public static Scrape until(int adminPort, Predicate<Scrape> condition) {
    long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
    Scrape scrape = of(adminPort);
    while (!condition.test(scrape) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      scrape = of(adminPort);
    }
    return scrape;
  }

  public String text() {
    return text;
  }

  public String contentType() {
    return contentType;
  }

  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Every sample name (a histogram's {@code _bucket}, {@code _count}, {@code _sum} included). */
  public Set<String> sampleNames() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The families announced by {@code # TYPE}, with their type. */
  public Map<String, String> types() {
    return Map.copyOf(types);
  }

  /** The families announced by {@code # HELP}, with their text. */
  public Map<String, String> help() {
    return Map.copyOf(help);
  }

  /**
   * The value of the one sample with this name whose labels include {@code labels} (pairs of name
   * and value); 0 when there is none, as a counter that never moved.
   */
  public double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    assertThat(found.size())
        .as("samples %s %s in the scrape", name, List.of(labels))
        .isLessThanOrEqualTo(1);
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  /** Whether a sample with this name (and labels) is there. */
  public boolean has(String name, String... labels) {
    return !find(name, labels).isEmpty();
  }

  /** The samples with this name whose labels include {@code labels}. */
  public List<Sample> find(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> {
              for (int i = 0; i + 1 < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  private void parse() {
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue; // the text ends with a newline; the format ignores empty lines
      }
      if (line.startsWith("#")) {
        Matcher m = COMMENT.matcher(line);
        assertThat(m.matches()).as("line %d is a HELP or TYPE comment: %s", number, line).isTrue();
        (m.group(1).equals("HELP") ? help : types).put(m.group(2), m.group(3));
        continue;
      }
      samples.add(sample(line, number));
    }
  }

  private static Sample sample(String line, int number) {
    Matcher name = NAME.matcher(line);
    assertThat(name.lookingAt()).as("line %d starts with a metric name: %s", number, line).isTrue();
    int at = name.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (at < line.length() && line.charAt(at) == '{') {
      at = labels(line, at + 1, labels, number);
    }
    assertThat(at < line.length() && line.charAt(at) == ' ')
        .as("line %d: a space after the name and labels: %s", number, line)
        .isTrue();
    String[] rest = line.substring(at + 1).split(" ");
    assertThat(rest.length)
        .as("line %d: a value and at most a timestamp: %s", number, line)
        .isBetween(1, 2);
    assertThat(VALUE.matcher(rest[0]).matches())
        .as("line %d: the value is a number: %s", number, line)
        .isTrue();
    return new Sample(name.group(), Map.copyOf(labels), Double.parseDouble(rest[0]));
  }

  /** Reads {@code name="value",...}} from {@code at}; returns the index after the brace. */
  private static int labels(String line, int at, Map<String, String> labels, int number) {
    while (true) {
      if (line.charAt(at) == '}') {
        return at + 1;
      }
      Matcher name = NAME.matcher(line).region(at, line.length());
      assertThat(name.lookingAt()).as("line %d: a label name at %d: %s", number, at, line).isTrue();
      at = name.end();
      assertThat(line.startsWith("=\"", at)).as("line %d: =\" after a label name", number).isTrue();
      at += 2;
      StringBuilder value = new StringBuilder();
      while (line.charAt(at) != '"') {
        char c = line.charAt(at++);
        if (c == '\\') {
          char escaped = line.charAt(at++);
          assertThat("\\\"n".indexOf(escaped))
              .as("line %d: a known escape \\%s", number, escaped)
              .isNotNegative();
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      at++;
      labels.put(name.group(), value.toString());
      if (line.charAt(at) == ',') {
        at++;
      }
    }
  }
}
