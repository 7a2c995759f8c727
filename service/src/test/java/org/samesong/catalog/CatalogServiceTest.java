package org.samesong.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.catalog.api.TrackJson;
import org.samesong.common.ApiException;
import org.samesong.media.stream.StreamSigner;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.DatabasePerKind;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestDatabase.Kind;

/** The catalog on the real changelog, on H2 and on PostgreSQL: search, registration, JSON. */
class CatalogServiceTest {
  @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();

  private static final ObjectMapper MAPPER = Jackson.newObjectMapper();

  private final MutableClock clock = new MutableClock();
  private final StreamSigner signer =
      new StreamSigner("a stream secret for the catalog test".getBytes(), clock);

  /** A catalog over an empty tracks table (the database is shared by the tests of this class). */
  private CatalogService catalog(Kind kind) {
    DBS.jdbi(kind).useHandle(h -> h.execute("DELETE FROM tracks"));
    return new CatalogService(DBS.jdbi(kind), signer, clock);
  }

  private static Track add(CatalogService catalog, String title, String artist, String album) {
    Path file =
        Path.of("/music", album == null ? "singles" : album, title.replace('/', '-') + ".mp3");
    return catalog.upsertLibraryTrack(
        file, title, artist, album, 200_000, "audio/mpeg", 4_000_000, 1_000);
  }

  private static List<String> titles(Page page) {
    return page.items().stream().map(Track::title).toList();
  }

  private static void assertBadField(Runnable call, String field) {
    ApiException e = catchThrowableOfType(ApiException.class, call::run);
    assertThat(e).as("a refusal naming %s", field).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.code()).isEqualTo("invalid_" + field);
    assertThat(e.getMessage()).startsWith(field + " ");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void search_ignores_case_in_the_query_and_in_the_tracks(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "Blue Monday", "New Order", "Power, Corruption & Lies");
    add(catalog, "Ärger im Paradies", "ÖSTERREICH", "Über Alles");
    add(catalog, "Something Else", "Someone", "Somewhere");

    assertThat(titles(catalog.search("blue", 20, 0))).containsExactly("Blue Monday");
    assertThat(titles(catalog.search("BLUE MONDAY", 20, 0))).containsExactly("Blue Monday");
    assertThat(titles(catalog.search("bLuE mOnDaY", 20, 0))).containsExactly("Blue Monday");
    assertThat(titles(catalog.search("ärger", 20, 0))).containsExactly("Ärger im Paradies");
    assertThat(titles(catalog.search("österreich", 20, 0))).containsExactly("Ärger im Paradies");
    assertThat(titles(catalog.search("ÜBER", 20, 0))).containsExactly("Ärger im Paradies");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void search_matches_a_substring_of_title_artist_or_album(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "Harvest Moon", "Neil Young", "Harvest Moon");
    add(catalog, "Moonlight Sonata", "Beethoven", "Piano Sonatas");
    add(catalog, "Heart of Gold", "Neil Young", "Harvest");
    add(catalog, "Teardrop", "Massive Attack", "Mezzanine");

    assertThat(titles(catalog.search("moon", 20, 0)))
        .containsExactly("Harvest Moon", "Moonlight Sonata");
    assertThat(titles(catalog.search("neil", 20, 0)))
        .containsExactly("Harvest Moon", "Heart of Gold");
    assertThat(titles(catalog.search("mezzanine", 20, 0))).containsExactly("Teardrop");
    assertThat(titles(catalog.search("arves", 20, 0)))
        .containsExactly("Harvest Moon", "Heart of Gold");
    assertThat(titles(catalog.search("  attack ", 20, 0)))
        .as("surrounding spaces ignored")
        .containsExactly("Teardrop");
    Page none = catalog.search("polka", 20, 0);
    assertThat(none.items()).isEmpty();
    assertThat(none.total()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void an_empty_query_lists_every_track_by_title_then_artist(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "cherry", "Zed", "X");
    add(catalog, "Apple", "Beta", "X");
    add(catalog, "banana", "Ann", "X");
    add(catalog, "Apple", "alpha", "Y");

    Page all = catalog.search("", 20, 0);
    assertThat(all.items())
        .extracting(t -> t.title() + "/" + t.artist())
        .containsExactly("Apple/alpha", "Apple/Beta", "banana/Ann", "cherry/Zed");
    assertThat(all.total()).isEqualTo(4);
    assertThat(titles(catalog.search(null, 20, 0))).hasSize(4);
    assertThat(titles(catalog.search("   ", 20, 0))).hasSize(4);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void pages_cover_the_matches_once_and_carry_the_total(Kind kind) {
    CatalogService catalog = catalog(kind);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String title = String.format("Song %02d", i);
      add(catalog, title, "Band", "Album");
      expected.add(title);
    }
    add(catalog, "Other", "Someone", "Else");

    Page first = catalog.search("song", 10, 0);
    Page second = catalog.search("song", 10, 10);
    Page third = catalog.search("song", 10, 20);
    Page beyond = catalog.search("song", 10, 30);

    assertThat(first.total()).isEqualTo(25);
    assertThat(third.total()).isEqualTo(25);
    assertThat(beyond.total()).isEqualTo(25);
    assertThat(beyond.items()).isEmpty();
    assertThat(first.limit()).isEqualTo(10);
    assertThat(second.offset()).isEqualTo(10);
    List<String> pages = new ArrayList<>(titles(first));
    pages.addAll(titles(second));
    pages.addAll(titles(third));
    assertThat(titles(third)).hasSize(5);
    assertThat(pages).isEqualTo(expected);
    assertThat(catalog.search("", 100, 0).total()).isEqualTo(26);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void like_wildcards_and_the_escape_character_in_the_query_are_plain_text(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "100% Pure", "A", "X");
    add(catalog, "1000 Pure", "B", "X");
    add(catalog, "snake_case", "C", "X");
    add(catalog, "snakeXcase", "D", "X");
    add(catalog, "Hey!", "E", "X");
    add(catalog, "AC\\DC", "F", "X");

    assertThat(titles(catalog.search("%", 20, 0))).containsExactly("100% Pure");
    assertThat(titles(catalog.search("0%", 20, 0))).containsExactly("100% Pure");
    assertThat(titles(catalog.search("_", 20, 0))).containsExactly("snake_case");
    assertThat(titles(catalog.search("e_c", 20, 0))).containsExactly("snake_case");
    assertThat(titles(catalog.search("%_%", 20, 0))).isEmpty();
    assertThat(titles(catalog.search("y!", 20, 0))).containsExactly("Hey!");
    assertThat(titles(catalog.search("!", 20, 0))).containsExactly("Hey!");
    assertThat(titles(catalog.search("c\\d", 20, 0))).containsExactly("AC\\DC");
    assertThat(titles(catalog.search("'", 20, 0))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void out_of_range_paging_and_long_queries_are_refused_naming_the_field(Kind kind) {
    CatalogService catalog = catalog(kind);

    assertBadField(() -> catalog.search("", 0, 0), "limit");
    assertBadField(() -> catalog.search("", -1, 0), "limit");
    assertBadField(() -> catalog.search("", 101, 0), "limit");
    assertBadField(() -> catalog.search("", 20, -1), "offset");
    assertBadField(() -> catalog.search("", 20, 1_000_001), "offset");
    assertBadField(() -> catalog.search("x".repeat(201), 20, 0), "q");

    assertThat(catalog.search("x".repeat(200), 100, 1_000_000).items()).isEmpty();
    assertThat(catalog.search("", 1, 0).limit()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_removed_track_is_hidden_until_its_file_is_registered_again(Kind kind) {
    CatalogService catalog = catalog(kind);
    Track kept = add(catalog, "Kept", "Band", "Album");
    Path gone = Path.of("/music/Album/Gone.mp3");
    Track removed =
        catalog.upsertLibraryTrack(gone, "Gone", "Band", "Album", 1_000, "audio/mpeg", 10, 1);

    assertThat(catalog.removeLibraryTrack(gone)).isTrue();
    assertThat(catalog.removeLibraryTrack(gone)).isFalse();

    Page page = catalog.search("", 20, 0);
    assertThat(titles(page)).containsExactly("Kept");
    assertThat(page.total()).isEqualTo(1);
    assertThat(titles(catalog.search("gone", 20, 0))).isEmpty();
    assertThat(catalog.find(removed.id())).isEmpty();
    assertThat(catalog.find(kept.id())).contains(kept);
    ApiException notFound =
        catchThrowableOfType(ApiException.class, () -> catalog.require(removed.id()));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.code()).isEqualTo("not_found");
    assertThat(catalog.findIncludingRemoved(removed.id())).contains(removed);

    Track back =
        catalog.upsertLibraryTrack(gone, "Gone", "Band", "Album", 1_000, "audio/mpeg", 10, 1);
    assertThat(back.id()).isEqualTo(removed.id());
    assertThat(titles(catalog.search("gone", 20, 0))).containsExactly("Gone");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void registering_the_same_file_again_keeps_one_entry_and_its_id(Kind kind) {
    CatalogService catalog = catalog(kind);
    Path file = Path.of("/music/Album/Song.flac");
    Track first =
        catalog.upsertLibraryTrack(
            file, "Song", "Band", "Album", 180_000, "audio/flac", 30_000_000, 5);
    long updatedAt = updatedAt(kind, first.id());
    clock.advance(Duration.ofMinutes(1));

    Track again =
        catalog.upsertLibraryTrack(
            file, "Song", "Band", "Album", 180_000, "audio/flac", 30_000_000, 5);
    Track viaOtherSpelling =
        catalog.upsertLibraryTrack(
            Path.of("/music/Album/./sub/../Song.flac"),
            "Song",
            "Band",
            "Album",
            180_000,
            "audio/flac",
            30_000_000,
            5);

    assertThat(again).isEqualTo(first);
    assertThat(viaOtherSpelling).isEqualTo(first);
    assertThat(updatedAt(kind, first.id()))
        .as("nothing written for an unchanged file")
        .isEqualTo(updatedAt);
    assertThat(catalog.search("", 20, 0).total()).isEqualTo(1);

    Track retagged =
        catalog.upsertLibraryTrack(
            file, "Song (Remastered)", "Band", "Album", 181_000, "audio/flac", 31_000_000, 9);
    assertThat(retagged.id()).isEqualTo(first.id());
    assertThat(catalog.require(first.id())).isEqualTo(retagged);
    assertThat(retagged.durationMs()).isEqualTo(181_000);
    assertThat(titles(catalog.search("remastered", 20, 0))).containsExactly("Song (Remastered)");
    assertThat(catalog.search("", 20, 0).total()).isEqualTo(1);

    Track other =
        catalog.upsertLibraryTrack(
            Path.of("/music/Album/Other.flac"), "Song", "Band", "Album", 1, "audio/flac", 1, 1);
    assertThat(other.id()).isNotEqualTo(first.id());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_file_without_tags_is_named_after_the_file_and_keeps_its_path(Kind kind) {
    CatalogService catalog = catalog(kind);
    Path file = Path.of("/music/loose/field recording.ogg");

    Track track = catalog.upsertLibraryTrack(file, "  ", "", null, 65_432, "audio/ogg", 99, 7);

    assertThat(track.title()).isEqualTo("field recording");
    assertThat(track.artist()).isNull();
    assertThat(track.album()).isNull();
    assertThat(track.source()).isEqualTo(Track.LIBRARY);
    assertThat(track.mediaType()).isEqualTo("audio/ogg");
    assertThat(track.location()).isEqualTo("/music/loose/field recording.ogg");
    assertThat(catalog.require(track.id())).isEqualTo(track);
    assertThat(titles(catalog.search("recording", 20, 0))).containsExactly("field recording");
    assertThat(CatalogService.locationHash(file)).matches("[0-9a-f]{64}");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void unknown_and_malformed_ids_are_not_found(Kind kind) {
    CatalogService catalog = catalog(kind);

    assertThat(catalog.find("5b0c1a7e-3f4d-4e8a-9b2c-0d1e2f3a4b5c")).isEmpty();
    assertThat(catalog.find("not a uuid")).isEmpty();
    assertThat(catalog.find(null)).isEmpty();
    assertThat(catalog.find("x".repeat(1000))).isEmpty();
    assertThatThrownBy(() -> catalog.require("nope"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void track_json_has_exactly_the_spec_fields_and_a_working_stream_url(Kind kind) throws Exception {
    CatalogService catalog = catalog(kind);
    Track track = add(catalog, "Teardrop", "Massive Attack", "Mezzanine");
    Track single = add(catalog, "Untagged", null, null);

    JsonNode json = MAPPER.valueToTree(catalog.toJson(track));
    assertThat(ApiAssertions.fieldNames(json))
        .containsExactly(
            "id", "title", "artist", "album", "duration_ms", "source", "media_type", "stream_url");
    assertThat(json.get("id").asText()).isEqualTo(track.id());
    assertThat(json.get("duration_ms").asLong()).isEqualTo(200_000);
    assertThat(json.get("source").asText()).isEqualTo("library");
    assertThat(json.get("media_type").asText()).isEqualTo("audio/mpeg");
    assertThat(json.toString()).doesNotContain("/music/");

    Matcher url =
        Pattern.compile("/api/tracks/([^/]+)/stream\\?exp=(\\d+)&sig=(.+)")
            .matcher(json.get("stream_url").asText());
    assertThat(url.matches()).isTrue();
    assertThat(url.group(1)).isEqualTo(track.id());
    assertThat(signer.verify(track.id(), Long.parseLong(url.group(2)), url.group(3))).isTrue();

    JsonNode untagged = MAPPER.valueToTree(catalog.toJson(single));
    assertThat(untagged.get("artist").isNull()).isTrue();
    assertThat(untagged.get("album").isNull()).isTrue();

    assertThat(MAPPER.writeValueAsString(track))
        .as("a Track never shows its location")
        .doesNotContain("/music/")
        .doesNotContain("location");
    assertThat(track.toString()).doesNotContain("/music/");
    TrackJson page = catalog.toJson(catalog.search("tear", 20, 0)).items().get(0);
    assertThat(page.id()).isEqualTo(track.id());
  }

  private static long updatedAt(Kind kind, String id) {
    return DBS.jdbi(kind)
        .withHandle(
            h ->
                h.createQuery("SELECT updated_at FROM tracks WHERE id = :id")
                    .bind("id", id)
                    .mapTo(Long.class)
                    .one());
  }
}
