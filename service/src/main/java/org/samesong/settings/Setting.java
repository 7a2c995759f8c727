package org.samesong.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.function.Function;

/**
 * One runtime setting: its key, its built-in default and how a JSON value is checked and read.
 *
 * @param <T> the Java type the rest of the code reads
 */
public final class Setting<T> {
  private final String key;
  private final T defaultValue;
  private final Class<T> type;
  private final Function<JsonNode, T> parser;
  private final Function<T, JsonNode> writer;
  private final String description;

  Setting(
      String key,
      T defaultValue,
      Class<T> type,
      Function<JsonNode, T> parser,
      Function<T, JsonNode> writer,
      String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.type = type;
    this.parser = parser;
    this.writer = writer;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public Class<T> type() {
    return type;
  }

  public String description() {
    return description;
  }

  /**
   * Reads and checks a JSON value.
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public T parse(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      throw new IllegalArgumentException("must not be null");
    }
    return parser.apply(value);
  }

  public JsonNode toJson(T value) {
    return writer.apply(value);
  }

  static JsonNodeFactory json() {
    return JsonNodeFactory.instance;
  }

  @Override
  public String toString() {
    return key;
  }
}
