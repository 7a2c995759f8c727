package org.samesong.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime settings: stored in the database, read from memory, changed through {@link
 * #update(Map)} with every value checked first so that a bad value changes nothing. Changes take
 * effect at once: readers ask for the current value every time, and listeners hear of changes.
 *
 * <p>Defaults are the built-in ones, except where the configuration seeds one (e.g. {@code
 * SAMESONG_PUBLIC_URL}); a value stored in the database wins over both.
 */
public class SettingsService {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);

  /** The size of the {@code settings.setting_value} column. */
  static final int MAX_STORED_LENGTH = 4000;

  private final Jdbi jdbi;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Map<String, Object> seededDefaults;
  private final Map<String, String> infrastructure;
  private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> updateListeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, Object> current;

  public SettingsService(
      Jdbi jdbi,
      ObjectMapper mapper,
      Clock clock,
      Map<Setting<?>, Object> seededDefaults,
      Map<String, String> infrastructure) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.clock = clock;
    Map<String, Object> seeds = new LinkedHashMap<>();
    seededDefaults.forEach((s, v) -> seeds.put(s.key(), v));
    this.seededDefaults = Map.copyOf(seeds);
    this.infrastructure = Map.copyOf(infrastructure);
    reload();
  }

  /** The current value of one setting. */
  public <T> T get(Setting<T> setting) {
    return setting.type().cast(current.get(setting.key()));
  }

  /** Every setting with its current value, in display order. */
  public Map<String, Object> all() {
    return current;
  }

  /** Infrastructure settings from the configuration: shown, never changed at run time. */
  public Map<String, String> infrastructure() {
    return infrastructure;
  }

  /**
   * Adds a listener told after a change made here (through {@link #update}), e.g. to tell the other
   * instances of a cluster to {@link #reload}.
   */
  public void onUpdate(Runnable listener) {
    updateListeners.add(listener);
  }

  /** Adds a listener told of the full settings map after every change. */
  public void onChange(Consumer<Map<String, Object>> listener) {
    listeners.add(listener);
  }

  /**
   * Checks every value, then stores them all in one transaction. Unknown keys and bad values are
   * refused with 400 naming the key; nothing is stored then.
   */
  public Map<String, Object> update(Map<String, JsonNode> changes) {
    if (changes == null || changes.isEmpty()) {
      throw ApiException.badRequest("invalid_body", "body", "send at least one setting to change");
    }
    Map<String, Object> next = new LinkedHashMap<>(current);
    Map<String, String> toStore = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> change : changes.entrySet()) {
      Setting<?> setting =
          Settings.byKey(change.getKey())
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "unknown_setting",
                          change.getKey(),
                          "unknown setting " + change.getKey()));
      Object value = parse(setting, change.getValue());
      String stored = write(setting, value);
      if (stored.length() > MAX_STORED_LENGTH) {
        // the column holds 4000 characters: refuse here instead of failing in the database
        throw ApiException.badRequest(
            "invalid_" + setting.key(),
            setting.key(),
            setting.key() + " is too long (at most " + MAX_STORED_LENGTH + " characters of JSON)");
      }
      next.put(setting.key(), value);
      toStore.put(setting.key(), stored);
    }
    if ((Integer) next.get(Settings.REFRESH_TOKEN_TTL_S.key())
        <= (Integer) next.get(Settings.ACCESS_TOKEN_TTL_S.key())) {
      throw ApiException.badRequest(
          "invalid_refresh_token_ttl_s",
          Settings.REFRESH_TOKEN_TTL_S.key(),
          "refresh_token_ttl_s must be longer than access_token_ttl_s");
    }
    long now = clock.millis();
    jdbi.useTransaction(
        handle -> {
          SettingsDao dao = handle.attach(SettingsDao.class);
          toStore.forEach(
              (key, value) -> {
                if (dao.update(key, value, now) == 0) {
                  dao.insert(key, value, now);
                }
              });
        });
    LOG.info("settings changed: {}", toStore.keySet());
    reload();
    updateListeners.forEach(Runnable::run);
    return current;
  }

  /** Reads the stored values again (after a change here, or one another instance announced). */
  public void reload() {
    Map<String, String> stored = new LinkedHashMap<>();
    jdbi.useExtension(
        SettingsDao.class,
        dao -> dao.all().forEach(r -> stored.put(r.settingKey(), r.settingValue())));
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting<?> setting : Settings.ALL) {
      Object value = seededDefaults.getOrDefault(setting.key(), setting.defaultValue());
      String raw = stored.get(setting.key());
      if (raw != null) {
        try {
          value = parse(setting, mapper.readTree(raw));
        } catch (JsonProcessingException | ApiException e) {
          LOG.warn("stored value of {} is unreadable; using its default", setting.key());
        }
      }
      values.put(setting.key(), value);
    }
    current = java.util.Collections.unmodifiableMap(values);
    new ArrayList<>(listeners).forEach(l -> l.accept(current));
  }

  private static Object parse(Setting<?> setting, JsonNode value) {
    try {
      return setting.parse(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_" + setting.key(), setting.key(), setting.key() + " " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private <T> String write(Setting<T> setting, Object value) {
    try {
      return mapper.writeValueAsString(setting.toJson((T) value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
