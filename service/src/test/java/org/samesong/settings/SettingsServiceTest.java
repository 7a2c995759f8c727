package org.samesong.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.samesong.common.ApiException;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.MutableClock;
import org.samesong.testing.SpecDefaults;
import org.samesong.testing.TestDatabase;

/** The runtime settings: defaults, checks (all or nothing), persistence. */
class SettingsServiceTest {
  private static final ObjectMapper MAPPER = Jackson.newObjectMapper();

  private static TestDatabase db;
  private final MutableClock clock = new MutableClock();
  private SettingsService settings;

  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.h2();
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  /** Every test starts from the built-in defaults: no stored value. */
  @BeforeEach
  void start() {
    db.jdbi().useHandle(h -> h.execute("DELETE FROM settings"));
    settings = newService();
  }

  private SettingsService newService() {
    return new SettingsService(db.jdbi(), MAPPER, clock, Map.of(), Map.of());
  }

  /** Parses {@code {...}} into the change map the resource hands over. */
  private static Map<String, JsonNode> changes(String json) {
    try {
      Map<String, JsonNode> changes = new LinkedHashMap<>();
      MAPPER.readTree(json).fields().forEachRemaining(e -> changes.put(e.getKey(), e.getValue()));
      return changes;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode json(Map<String, Object> values) {
    return MAPPER.valueToTree(values);
  }

  private ApiException refused(String json) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> settings.update(changes(json)));
    assertThat(thrown).as("update %s", json).isInstanceOf(ApiException.class);
    return (ApiException) thrown;
  }

  @Test
  void defaults_are_exactly_those_of_the_spec() {
    ApiAssertions.assertJsonEquals(json(settings.all()), SpecDefaults.SETTINGS);
    assertThat(settings.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(10);
    assertThat(settings.get(Settings.LIBRARY_FOLDERS)).isEmpty();
  }

  @Test
  void every_setting_has_a_key_of_the_spec() {
    assertThat(Settings.ALL.stream().map(Setting::key).toList())
        .containsExactlyInAnyOrderElementsOf(SpecDefaults.SETTINGS.keySet());
  }

  @Test
  void valid_values_of_every_type_are_applied_and_returned() {
    Map<String, Object> result =
        settings.update(
            changes(
                """
                {"dead_band_ms": 3.5, "seek_threshold_ms": 200, "max_rate_correction": 0.05,
                 "logins_per_minute": 3, "open_registration": true,
                 "public_url": "https://music.example.org/", "library_folders": ["/srv/music", "/srv/music", "/mnt/more"]}
                """));

    Map<String, Object> expected = new LinkedHashMap<>(SpecDefaults.SETTINGS);
    expected.put("dead_band_ms", 3.5);
    expected.put("seek_threshold_ms", 200);
    expected.put("max_rate_correction", 0.05);
    expected.put("logins_per_minute", 3);
    expected.put("open_registration", true);
    expected.put("public_url", "https://music.example.org");
    expected.put("library_folders", List.of("/srv/music", "/mnt/more"));
    ApiAssertions.assertJsonEquals(json(result), expected);
    ApiAssertions.assertJsonEquals(json(settings.all()), expected);
    assertThat(settings.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(3);
    assertThat(settings.get(Settings.OPEN_REGISTRATION)).isTrue();
  }

  @Test
  void limits_themselves_are_accepted() {
    settings.update(
        changes(
            "{\"logins_per_minute\": 1, \"access_token_ttl_s\": 30, \"refresh_token_ttl_s\": 31536000}"));

    assertThat(settings.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(1);
    assertThat(settings.get(Settings.ACCESS_TOKEN_TTL_S)).isEqualTo(30);
    assertThat(settings.get(Settings.REFRESH_TOKEN_TTL_S)).isEqualTo(31_536_000);
  }

  @Test
  void an_unknown_key_is_refused_naming_it() {
    ApiException e = refused("{\"no_such_setting\": 1}");

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("no_such_setting");
    assertThat(e.getMessage()).contains("no_such_setting");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("seek_threshold_ms", "\"200\""),
        Arguments.of("seek_threshold_ms", "2.5"),
        Arguments.of("seek_threshold_ms", "null"),
        Arguments.of("seek_threshold_ms", "9"),
        Arguments.of("seek_threshold_ms", "60001"),
        Arguments.of("logins_per_minute", "0"),
        Arguments.of("logins_per_minute", "-3"),
        Arguments.of("logins_per_minute", "1000001"),
        Arguments.of("logins_per_minute", "99999999999"),
        Arguments.of("guest_request_burst", "true"),
        Arguments.of("max_guests_per_session", "[1]"),
        Arguments.of("dead_band_ms", "\"2\""),
        Arguments.of("dead_band_ms", "-0.5"),
        Arguments.of("max_rate_correction", "0.5"),
        Arguments.of("max_rate_correction", "{}"),
        Arguments.of("open_registration", "\"true\""),
        Arguments.of("open_registration", "1"),
        Arguments.of("allow_private_urls", "null"),
        Arguments.of("public_url", "\"not a url\""),
        Arguments.of("public_url", "\"ftp://music.example.org\""),
        Arguments.of("public_url", "\"music.example.org\""),
        Arguments.of("public_url", "\"https://\""),
        Arguments.of("public_url", "\"https://music.example.org/?x=1\""),
        Arguments.of("public_url", "\"https://music.example.org/#top\""),
        Arguments.of("public_url", "42"),
        Arguments.of("library_folders", "[\"music\"]"),
        Arguments.of("library_folders", "[\"./music\"]"),
        Arguments.of("library_folders", "[\"\"]"),
        Arguments.of("library_folders", "[\"/srv/music\", 7]"),
        Arguments.of("library_folders", "\"/srv/music\""));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badValues")
  void a_bad_value_is_refused_naming_its_key_and_changes_nothing(String key, String value) {
    Map<String, Object> before = settings.all();

    ApiException e = refused("{\"" + key + "\": " + value + "}");

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo(key);
    assertThat(e.getMessage()).contains(key);
    assertThat(settings.all()).isEqualTo(before);
    assertThat(newService().all()).isEqualTo(before);
  }

  @Test
  void a_batch_with_one_bad_value_changes_none() {
    ApiException e =
        refused(
            "{\"logins_per_minute\": 3, \"open_registration\": true, \"seek_threshold_ms\": \"fast\"}");

    assertThat(e.field()).isEqualTo("seek_threshold_ms");
    ApiAssertions.assertJsonEquals(json(settings.all()), SpecDefaults.SETTINGS);
    ApiAssertions.assertJsonEquals(json(newService().all()), SpecDefaults.SETTINGS);
  }

  @Test
  void a_batch_with_an_unknown_key_changes_none() {
    refused("{\"logins_per_minute\": 3, \"logins_per_hour\": 3}");

    assertThat(settings.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(10);
    assertThat(newService().get(Settings.LOGINS_PER_MINUTE)).isEqualTo(10);
  }

  @Test
  void an_empty_change_is_refused() {
    assertThatThrownBy(() -> settings.update(Map.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void refresh_tokens_must_outlive_access_tokens() {
    ApiException equal = refused("{\"access_token_ttl_s\": 3600, \"refresh_token_ttl_s\": 3600}");
    assertThat(equal.status()).isEqualTo(400);
    assertThat(equal.field()).isEqualTo("refresh_token_ttl_s");

    settings.update(changes("{\"access_token_ttl_s\": 300, \"refresh_token_ttl_s\": 600}"));
    ApiException longerAccess = refused("{\"access_token_ttl_s\": 600}");
    assertThat(longerAccess.field()).isEqualTo("refresh_token_ttl_s");
    ApiException shorterRefresh = refused("{\"refresh_token_ttl_s\": 300}");
    assertThat(shorterRefresh.field()).isEqualTo("refresh_token_ttl_s");

    assertThat(settings.get(Settings.ACCESS_TOKEN_TTL_S)).isEqualTo(300);
    assertThat(settings.get(Settings.REFRESH_TOKEN_TTL_S)).isEqualTo(600);
  }

  @Test
  void a_value_too_long_to_store_is_refused_naming_its_key() {
    List<String> folders = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      folders.add("/srv/" + "music-folder-with-a-long-name-".repeat(3) + i);
    }
    Map<String, Object> before = settings.all();

    ApiException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ApiException.class,
            () -> settings.update(Map.of("library_folders", MAPPER.valueToTree(folders))));

    assertThat(e).as("a refusal, not a database failure").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("library_folders");
    assertThat(settings.all()).isEqualTo(before);
  }

  @Test
  void changes_persist_for_a_new_service_on_the_same_database() {
    settings.update(
        changes(
            "{\"logins_per_minute\": 4, \"library_folders\": [\"/srv/music\"], \"public_url\": \"http://10.0.0.5:8080\"}"));

    SettingsService restarted = newService();

    assertThat(restarted.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(4);
    assertThat(restarted.get(Settings.LIBRARY_FOLDERS)).containsExactly("/srv/music");
    assertThat(restarted.get(Settings.PUBLIC_URL)).isEqualTo("http://10.0.0.5:8080");
    assertThat(restarted.get(Settings.SEEK_THRESHOLD_MS)).isEqualTo(150);
  }

  @Test
  void a_changed_value_can_be_changed_again() {
    settings.update(changes("{\"logins_per_minute\": 4}"));
    clock.advance(Duration.ofSeconds(5));
    settings.update(changes("{\"logins_per_minute\": 7}"));

    assertThat(newService().get(Settings.LOGINS_PER_MINUTE)).isEqualTo(7);
  }

  @Test
  void configuration_seeds_a_default_that_a_stored_value_overrides() {
    SettingsService seeded =
        new SettingsService(
            db.jdbi(),
            MAPPER,
            clock,
            Map.of(Settings.PUBLIC_URL, "https://seed.example.org"),
            Map.of("database_url", "x"));
    assertThat(seeded.get(Settings.PUBLIC_URL)).isEqualTo("https://seed.example.org");
    assertThat(seeded.infrastructure()).containsEntry("database_url", "x");

    seeded.update(changes("{\"public_url\": \"https://admin.example.org\"}"));

    assertThat(
            new SettingsService(
                    db.jdbi(),
                    MAPPER,
                    clock,
                    Map.of(Settings.PUBLIC_URL, "https://seed.example.org"),
                    Map.of())
                .get(Settings.PUBLIC_URL))
        .isEqualTo("https://admin.example.org");
  }

  @Test
  void listeners_hear_every_applied_change_and_no_refused_one() {
    List<Map<String, Object>> heard = new ArrayList<>();
    settings.onChange(heard::add);

    settings.update(changes("{\"resync_interval_ms\": 5000}"));
    refused("{\"resync_interval_ms\": 1}");

    assertThat(heard).hasSize(1);
    assertThat(heard.get(0)).containsEntry("resync_interval_ms", 5000);
  }

  @Test
  void an_unreadable_stored_value_falls_back_to_its_default() {
    db.jdbi()
        .useExtension(SettingsDao.class, dao -> dao.insert("seek_threshold_ms", "not json", 1L));
    db.jdbi().useExtension(SettingsDao.class, dao -> dao.insert("logins_per_minute", "0", 1L));

    SettingsService restarted = newService();

    assertThat(restarted.get(Settings.SEEK_THRESHOLD_MS)).isEqualTo(150);
    assertThat(restarted.get(Settings.LOGINS_PER_MINUTE)).isEqualTo(10);
  }
}
