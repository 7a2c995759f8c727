package org.samesong.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.media.stream.StreamSigner;
import org.samesong.testing.DatabasePerKind;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestDatabase.Kind;

/**
 * Catalog search with words, on the real changelog on H2 and on PostgreSQL: every word required
 * (AND) in any of title, artist and album, as a substring; the word index kept up to date by
 * registration, retagging and removal; order and paging; and the same answers as a plain reading of
 * the rule, for queries that take the word index and for those too short for it.
 */
class CatalogSearchTest {
  @RegisterExtension static final DatabasePerKind DBS = new DatabasePerKind();

  private final MutableClock clock = new MutableClock();
  private final StreamSigner signer =
      new StreamSigner("a stream secret for the search test".getBytes(), clock);

  private CatalogService catalog(Kind kind) {
    DBS.jdbi(kind)
        .useHandle(
            h -> {
              h.execute("DELETE FROM track_words");
              h.execute("DELETE FROM search_words");
              h.execute("DELETE FROM tracks");
            });
    return new CatalogService(DBS.jdbi(kind), signer, clock);
  }

  private static int files;

  private static Track add(CatalogService catalog, String title, String artist, String album) {
    return catalog.upsertLibraryTrack(
        Path.of("/music/search/" + files++ + ".mp3"),
        title,
        artist,
        album,
        1_000,
        "audio/mpeg",
        1,
        1);
  }

  private static List<String> titles(Page page) {
    return page.items().stream().map(Track::title).toList();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void every_word_is_required_and_may_match_a_different_field(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "Harvest Moon", "Neil Young", "Harvest Moon");
    add(catalog, "Heart of Gold", "Neil Young", "Harvest");
    add(catalog, "Moonlight Sonata", "Beethoven", "Piano Sonatas");
    add(catalog, "Old Man", "Neil Young", "Harvest");

    assertThat(titles(catalog.search("young gold", 20, 0))).containsExactly("Heart of Gold");
    assertThat(titles(catalog.search("GOLD  young", 20, 0)))
        .as("order and case of the words do not matter")
        .containsExactly("Heart of Gold");
    assertThat(titles(catalog.search("neil harvest", 20, 0)))
        .containsExactly("Harvest Moon", "Heart of Gold", "Old Man");
    assertThat(titles(catalog.search("moon neil", 20, 0))).containsExactly("Harvest Moon");
    assertThat(titles(catalog.search("arvest oun", 20, 0)))
        .as("each word is a substring, inside a word too")
        .containsExactly("Harvest Moon", "Heart of Gold", "Old Man");
    assertThat(titles(catalog.search("moon moon", 20, 0)))
        .containsExactly("Harvest Moon", "Moonlight Sonata");
    assertThat(titles(catalog.search("sonata young", 20, 0))).isEmpty();
    assertThat(catalog.search("sonata young", 20, 0).total()).isZero();
    assertThat(titles(catalog.search("of\tgold\nheart", 20, 0)))
        .as("any whitespace separates words")
        .containsExactly("Heart of Gold");
    assertThat(titles(catalog.search("heart of", 20, 0))).containsExactly("Heart of Gold");
    assertThat(titles(catalog.search("heart gold", 20, 0)))
        .as("two words, not one substring")
        .containsExactly("Heart of Gold");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void wildcards_are_plain_text_in_every_word(Kind kind) {
    CatalogService catalog = catalog(kind);
    add(catalog, "100% Pure", "Snake_Case", "X");
    add(catalog, "1000 Pure", "SnakeXCase", "X");
    add(catalog, "Pure 50%", "Band!", "X");

    assertThat(titles(catalog.search("pure %", 20, 0))).containsExactly("100% Pure", "Pure 50%");
    assertThat(titles(catalog.search("e_c pure", 20, 0))).containsExactly("100% Pure");
    assertThat(titles(catalog.search("0% 1", 20, 0))).containsExactly("100% Pure");
    assertThat(titles(catalog.search("! pure", 20, 0))).containsExactly("Pure 50%");
    assertThat(titles(catalog.search("%_ pure", 20, 0))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void removed_and_retagged_tracks_are_found_by_what_they_are_now(Kind kind) {
    CatalogService catalog = catalog(kind);
    Path file = Path.of("/music/search/retag.flac");
    catalog.upsertLibraryTrack(file, "Yellow", "Coldplay", "Parachutes", 1, "audio/flac", 1, 1);
    add(catalog, "Yellow Submarine", "The Beatles", "Revolver");

    catalog.upsertLibraryTrack(file, "Clocks", "Coldplay", "A Rush", 1, "audio/flac", 2, 2);

    assertThat(titles(catalog.search("yellow", 20, 0))).containsExactly("Yellow Submarine");
    assertThat(titles(catalog.search("clocks coldplay", 20, 0))).containsExactly("Clocks");
    assertThat(titles(catalog.search("parachutes", 20, 0))).isEmpty();

    catalog.removeLibraryTrack(file);
    assertThat(catalog.search("coldplay", 20, 0).total()).isZero();
    assertThat(catalog.search("", 20, 0).total()).isEqualTo(1);
    assertThat(titles(catalog.search("", 20, 0))).containsExactly("Yellow Submarine");

    catalog.upsertLibraryTrack(file, "Clocks", "Coldplay", "A Rush", 1, "audio/flac", 2, 2);
    assertThat(titles(catalog.search("rush clo", 20, 0))).containsExactly("Clocks");
    assertThat(catalog.search("", 20, 0).total()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void matches_come_by_title_then_artist_in_pages_with_the_exact_total(Kind kind) {
    CatalogService catalog = catalog(kind);
    List<String> expected = new ArrayList<>();
    for (int i = 24; i >= 0; i--) {
      String title = String.format(Locale.ROOT, "Tune %02d", i / 2);
      String artist = (i % 2 == 0 ? "b" : "A") + " Player";
      add(catalog, title, artist, "Common Album");
    }
    for (int i = 0; i < 25; i++) {
      expected.add(String.format(Locale.ROOT, "Tune %02d/", i / 2) + (i % 2 == 0 ? "b" : "A"));
    }
    expected.sort(Comparator.comparing(s -> s.toLowerCase(Locale.ROOT)));
    add(catalog, "Elsewhere", "Nobody", "Other");

    List<String> seen = new ArrayList<>();
    for (int offset = 0; offset < 30; offset += 10) {
      Page page = catalog.search("tune player", 10, offset);
      assertThat(page.total()).isEqualTo(25);
      page.items().forEach(t -> seen.add(t.title() + "/" + t.artist().charAt(0)));
    }
    assertThat(seen).isEqualTo(expected);
    Page beyond = catalog.search("tune player", 10, 40);
    assertThat(beyond.items()).isEmpty();
    assertThat(beyond.total()).isEqualTo(25);
    assertThat(catalog.search("common", 5, 24).items()).hasSize(1);

    Page listed = catalog.search("", 10, 20);
    assertThat(listed.total()).isEqualTo(26);
    assertThat(titles(listed))
        .as("the listing pages through the same order")
        .hasSize(6)
        .containsExactly("Tune 09", "Tune 10", "Tune 10", "Tune 11", "Tune 11", "Tune 12");
    assertThat(catalog.search("", 10, 26).items()).isEmpty();
    assertThat(catalog.search("", 10, 26).total()).isEqualTo(26);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void words_inside_very_long_tokens_are_found(Kind kind) {
    CatalogService catalog = catalog(kind);
    String longWord = "x".repeat(70) + "needle" + "y".repeat(70);
    add(catalog, longWord, "Artist", "Album");
    add(catalog, "Short", "Artist", "Album");

    assertThat(catalog.search("needle", 20, 0).total()).isEqualTo(1);
    assertThat(catalog.search("needle artist", 20, 0).total()).isEqualTo(1);
    assertThat(catalog.search("x".repeat(66) + "xneedle", 20, 0).total()).isEqualTo(1);
    assertThat(catalog.search("artist", 20, 0).total()).isEqualTo(2);
    assertThat(catalog.search("haystack", 20, 0).total()).isZero();
  }

  /**
   * Many tracks of words over three letters: one-letter words are in so many tokens that the search
   * reads every track, two and three letters take the word index. Both must give what the rule
   * says, in the same order.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void answers_agree_with_the_rule_whichever_way_the_search_goes(Kind kind) {
    CatalogService catalog = catalog(kind);
    Random random = new Random(7);
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      tracks.add(
          add(
              catalog,
              words(random, 1 + random.nextInt(4)),
              random.nextInt(10) == 0 ? null : words(random, 2),
              random.nextInt(10) == 0 ? null : words(random, 3)));
    }
    for (int i = 0; i < 10; i++) {
      Track gone = tracks.remove(random.nextInt(tracks.size()));
      catalog.removeLibraryTrack(Path.of(gone.location()));
    }
    List<String> queries = new ArrayList<>(List.of("a", "B", "ab", "cab", "a b", "ca ba", "abca"));
    for (int i = 0; i < 12; i++) {
      queries.add(words(random, 1 + random.nextInt(2)).substring(0, 2 + random.nextInt(2)));
    }
    queries.add("zzz");
    for (String q : queries) {
      List<Track> expected =
          tracks.stream()
              .filter(t -> matches(t, q))
              .sorted(
                  Comparator.comparing((Track t) -> t.title().toLowerCase(Locale.ROOT))
                      .thenComparing(t -> t.artist() == null ? "" : lower(t.artist()))
                      .thenComparing(Track::id))
              .toList();
      List<Track> found = new ArrayList<>();
      long total = -1;
      for (int offset = 0; offset <= expected.size(); offset += 50) {
        Page page = catalog.search(q, 50, offset);
        total = page.total();
        found.addAll(page.items());
      }
      assertThat(total).as("total for %s", q).isEqualTo(expected.size());
      assertThat(found).as("matches of %s", q).isEqualTo(expected);
    }
  }

  private static String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < count; w++) {
      if (w > 0) {
        text.append(' ');
      }
      int length = 3 + random.nextInt(6);
      for (int i = 0; i < length; i++) {
        char c = (char) ('a' + random.nextInt(3));
        text.append(i == 0 && random.nextBoolean() ? Character.toUpperCase(c) : c);
      }
    }
    return text.toString();
  }

  private static boolean matches(Track track, String q) {
    String text =
        CatalogService.searchText(track.title(), track.artist(), track.album())
            .toLowerCase(Locale.ROOT);
    for (String word : lower(q).strip().split("\\s+")) {
      if (!text.contains(word)) {
        return false;
      }
    }
    return true;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
