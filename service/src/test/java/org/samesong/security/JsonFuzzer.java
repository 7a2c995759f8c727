package org.samesong.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Random and mutated JSON from a seeded {@link Random}: the same seed gives the same inputs, so a
 * failure can be replayed. Mutations start from a valid message or body and drop, duplicate or
 * retype fields, put in huge, negative or non-finite numbers, deep nesting, long or odd Unicode
 * strings, another or a wrong {@code type}, or extra fields; some are cut short or not JSON at all.
 * Nothing it makes is longer than {@code maxBytes} in UTF-8.
 */
final class JsonFuzzer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Texts that make parsers and databases stumble. */
  private static final List<String> ODD_TEXTS =
      List.of(
          "",
          " ",
          "\u0000",
          "a\u0000b",
          "\u202e\u202dreversed",
          "\u200b\u200c\u200d\ufeff",
          "🎵🎶🎸🥁",
          "é́́́́́́́́́",
          "\\",
          "\"",
          "'; DROP TABLE sessions; --",
          "' OR '1'='1",
          "${jndi:ldap://127.0.0.1:1/a}",
          "%s%s%s%n",
          "{{7*7}}",
          "<script>alert(1)</script>",
          "../../../../etc/passwd",
          "null",
          "NaN",
          "-Infinity",
          "00000000-0000-0000-0000-000000000000",
          "ffffffff-ffff-ffff-ffff-ffffffffffff",
          "\r\nX-Injected: 1",
          "ﷺ",
          "𝕊𝕒𝕞𝕖𝕤𝕠𝕟𝕘",
          "ǅ",
          "İ",
          "ß");

  /**
   * Stands for a JSON escape of a lone surrogate ({@code \ud800}), valid JSON that decodes to a
   * string no UTF-8 can encode; it is written as the marker and replaced in the text.
   */
  private static final String LONE_SURROGATE = "LONE-SURROGATE-MARKER";

  private static final List<String> LONE_SURROGATE_ESCAPES =
      List.of("\\ud800", "\\udfff", "a\\ud83d", "\\udc00\\ud800", "\\ud800\\u0000");

  /** Raw JSON number texts, some beyond what the fields can hold. */
  private static final List<String> ODD_NUMBERS =
      List.of(
          "0",
          "-0",
          "-1",
          "-9223372036854775808",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "2147483648",
          "-2147483649",
          "1e308",
          "1e309",
          "-1e309",
          "1e400",
          "1e-400",
          "4.9e-324",
          "0.1",
          "1.5",
          "123456789012345678901234567890",
          "1E2",
          "-0.0");

  /** Texts that are not JSON values (or not quite). */
  private static final List<String> NOT_JSON =
      List.of(
          "NaN",
          "Infinity",
          "-Infinity",
          "undefined",
          "{",
          "}",
          "[",
          "{\"type\":",
          "{'type':'ping'}",
          "{type:ping}",
          "{\"type\":\"ping\",}",
          "{\"type\" \"ping\"}",
          "// comment\n{\"type\":\"ping\"}",
          "{\"type\":\"ping\"}{\"type\":\"ping\"}",
          "\"\\ud800\"",
          "\"\\uZZZZ\"",
          "\u0000",
          "\ufeff{\"type\":\"ping\"}",
          "tru",
          "nul",
          "0x10",
          "01",
          "--1",
          "1.e5");

  private final Random random;
  private final int maxBytes;
  private final int maxChars;

  JsonFuzzer(Random random, int maxBytes) {
    this.random = random;
    this.maxBytes = maxBytes;
    this.maxChars = maxBytes - 16;
  }

  Random random() {
    return random;
  }

  /** Something to send: mostly mutations of {@code valid}, some random JSON, some garbage. */
  String next(List<ObjectNode> valid, List<String> fieldNames) {
    int pick = random.nextInt(100);
    String text;
    if (pick < 65) {
      text = mutate(valid.get(random.nextInt(valid.size())), fieldNames);
    } else if (pick < 80) {
      text = write(randomValue(random.nextInt(4), fieldNames));
    } else if (pick < 88) {
      text = NOT_JSON.get(random.nextInt(NOT_JSON.size()));
    } else if (pick < 95) {
      text = randomText(random.nextInt(200));
    } else {
      text = deep(1 + random.nextInt(Math.max(1, maxChars / 2 - 2)));
    }
    return cap(text);
  }

  private String cap(String text) {
    String capped = text;
    while (capped.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
      capped = capped.substring(0, codePointBoundary(capped, capped.length() * 3 / 4));
    }
    return capped;
  }

  /**
   * {@code index}, or the one before it when it falls inside a surrogate pair: texts are cut and
   * changed at whole code points only, since a text frame must be valid UTF-8 (what is not is the
   * client library's refusal, not the server's).
   */
  private static int codePointBoundary(String text, int index) {
    if (index > 0
        && index < text.length()
        && Character.isLowSurrogate(text.charAt(index))
        && Character.isHighSurrogate(text.charAt(index - 1))) {
      return index - 1;
    }
    return index;
  }

  /** One to three mutations of a valid message, written as JSON (or cut short). */
  String mutate(ObjectNode valid, List<String> fieldNames) {
    ObjectNode m = valid.deepCopy();
    int n = 1 + random.nextInt(3);
    String duplicate = null;
    for (int i = 0; i < n; i++) {
      List<String> names = names(m);
      String field = names.isEmpty() ? "type" : names.get(random.nextInt(names.size()));
      switch (random.nextInt(12)) {
        case 0 -> m.remove(field);
        case 1 -> m.set(field, randomValue(1 + random.nextInt(2), fieldNames));
        case 2 -> m.set(field, NODES.textNode(oddText()));
        case 3 -> m.set(field, number());
        case 4 -> m.set(field, NODES.textNode(longText()));
        case 5 ->
            m.set(fieldNames.get(random.nextInt(fieldNames.size())), randomValue(1, fieldNames));
        case 6 -> m.set("type", typeValue(m.path("type").asText("ping")));
        case 7 -> m.set(randomText(1 + random.nextInt(12)), randomValue(1, fieldNames));
        case 8 -> duplicate = field;
        case 9 -> m.set(field, nested(1 + random.nextInt(60)));
        case 10 -> m.set(field, NODES.textNode(LONE_SURROGATE));
        default -> m.set(field, NODES.nullNode());
      }
    }
    String text = write(m);
    while (text.contains(LONE_SURROGATE)) {
      text =
          text.replaceFirst(
              LONE_SURROGATE,
              LONE_SURROGATE_ESCAPES.get(random.nextInt(LONE_SURROGATE_ESCAPES.size())));
    }
    if (duplicate != null && m.has(duplicate)) {
      // the same key twice, the second with another value
      String value = write(randomValue(1, fieldNames));
      text = text.substring(0, text.length() - 1) + ",\"" + duplicate + "\":" + value + "}";
    }
    int tail = random.nextInt(20);
    if (tail == 0 && text.length() > 2) {
      text = text.substring(0, codePointBoundary(text, random.nextInt(text.length())));
    } else if (tail == 1) {
      text = NOT_JSON.get(random.nextInt(NOT_JSON.size())) + text;
    } else if (tail == 2 && !text.isEmpty()) {
      int at = codePointBoundary(text, random.nextInt(text.length()));
      int end = at < text.length() ? text.offsetByCodePoints(at, 1) : at;
      text = text.substring(0, at) + (char) (0x20 + random.nextInt(0x5f)) + text.substring(end);
    }
    return text;
  }

  private JsonNode typeValue(String current) {
    return switch (random.nextInt(8)) {
      case 0 -> NODES.textNode(current.toUpperCase(java.util.Locale.ROOT));
      case 1 -> NODES.textNode(" " + current);
      case 2 -> NODES.textNode(current + "\u0000");
      case 3 -> NODES.numberNode(random.nextInt());
      case 4 -> NODES.arrayNode().add(current);
      case 5 -> NODES.textNode(oddText());
      case 6 -> NODES.textNode(randomText(1 + random.nextInt(30)));
      default ->
          NODES.textNode(
              List.of(
                      "ping",
                      "sync_ack",
                      "request_playlist_change",
                      "playback_command",
                      "approve_request",
                      "deny_request",
                      "reauth",
                      "hello",
                      "pong",
                      "error",
                      "session_ended",
                      "playback_state")
                  .get(random.nextInt(12)));
    };
  }

  /** Any JSON value, nested at most {@code depth} deep. */
  JsonNode randomValue(int depth, List<String> fieldNames) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> number();
      case 3 -> NODES.textNode(oddText());
      case 4 -> NODES.textNode(randomText(random.nextInt(40)));
      case 5 -> NODES.numberNode(random.nextInt(2000) - 1000);
      case 6 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          a.add(randomValue(depth - 1, fieldNames));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = random.nextInt(6); i > 0; i--) {
          String key =
              random.nextBoolean()
                  ? fieldNames.get(random.nextInt(fieldNames.size()))
                  : randomText(1 + random.nextInt(10));
          o.set(key, randomValue(depth - 1, fieldNames));
        }
        yield o;
      }
    };
  }

  private JsonNode number() {
    String text = ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()));
    if (text.contains("e") || text.contains("E") || text.contains(".")) {
      return NODES.numberNode(new BigDecimal(text));
    }
    return NODES.numberNode(new BigInteger(text));
  }

  private JsonNode nested(int depth) {
    JsonNode inner = NODES.numberNode(1);
    for (int i = 0; i < depth; i++) {
      if (random.nextBoolean()) {
        inner = NODES.arrayNode().add(inner);
      } else {
        ObjectNode o = NODES.objectNode();
        o.set("a", inner);
        inner = o;
      }
    }
    return inner;
  }

  /** Brackets nested {@code depth} deep, as text (deeper than any tree a test builds). */
  private String deep(int depth) {
    return random.nextBoolean()
        ? "[".repeat(depth) + "]".repeat(depth)
        : "{\"a\":".repeat(Math.min(depth, maxChars / 6))
            + "1"
            + "}".repeat(Math.min(depth, maxChars / 6));
  }

  String oddText() {
    return ODD_TEXTS.get(random.nextInt(ODD_TEXTS.size()));
  }

  private String longText() {
    int length = 256 << random.nextInt(6);
    return "x".repeat(Math.min(length, maxChars / 2));
  }

  /** Random characters from all over Unicode (whole code points, never a lone surrogate). */
  String randomText(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int cp =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x20);
            case 1 -> 0x20 + random.nextInt(0x5f);
            case 2 -> 0xa0 + random.nextInt(0xd7ff - 0xa0);
            default -> 0x10000 + random.nextInt(0x10ffff - 0x10000);
          };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object(Object... keyValues) {
    ObjectNode o = NODES.objectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      o.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
    }
    return o;
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> names(ObjectNode o) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
