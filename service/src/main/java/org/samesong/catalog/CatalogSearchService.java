package org.samesong.catalog;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;

/**
 * The catalog's search ({@link CatalogService#search}): every word of the query a case-insensitive
 * substring of title, artist or album, removed tracks left out, read through the word index of
 * changelog {@code 004-catalog-search.xml} when a word is selective enough.
 */
final class CatalogSearchService {
  /**
   * Most (suffix, token) rows a query word may match in the word index to pick the candidates; a
   * word found in more (a letter or two) makes nearly every track a candidate, and the search reads
   * them all instead.
   */
  private static final int MAX_CANDIDATE_WORDS = 2000;

  private final Jdbi jdbi;

  CatalogSearchService(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** See {@link CatalogService#search}. */
  Page search(String q, int limit, int offset) {
    String query = q == null ? "" : q;
    if (query.length() > CatalogService.MAX_QUERY_LENGTH) {
      throw ApiException.badRequest(
          "q", "must have at most " + CatalogService.MAX_QUERY_LENGTH + " characters");
    }
    if (limit < 1 || limit > CatalogService.MAX_LIMIT) {
      throw ApiException.badRequest("limit", "must be between 1 and " + CatalogService.MAX_LIMIT);
    }
    if (offset < 0 || offset > CatalogService.MAX_OFFSET) {
      throw ApiException.badRequest("offset", "must be between 0 and " + CatalogService.MAX_OFFSET);
    }
    List<String> words = SearchWords.queryWords(query);
    return jdbi.inTransaction(
        handle -> {
          TrackDao dao = handle.attach(TrackDao.class);
          if (words.isEmpty()) {
            List<Track> items =
                dao.pageLive(limit, offset).stream().map(TrackDao.Row::toTrack).toList();
            return new Page(items, dao.countLive(), limit, offset);
          }
          List<String> patterns = words.stream().map(w -> "%" + escapeLike(w) + "%").toList();
          TrackDao.WordRange range = null;
          boolean longOnly = false;
          // the longest word that few tokens contain picks the candidates; a word of a letter or
          // two is in so many that reading every track costs no more
          for (String word : words.subList(0, Math.min(3, words.size()))) {
            if (word.length() > SearchWords.MAX_WORD) {
              longOnly = true; // no dictionary token is long enough to contain it
              break;
            }
            TrackDao.WordRange candidate =
                new TrackDao.WordRange(word, SearchWords.prefixEnd(word), escapeLike(word) + "%");
            if (dao.countSuffixes(candidate, MAX_CANDIDATE_WORDS + 1) <= MAX_CANDIDATE_WORDS) {
              range = candidate;
              break;
            }
          }
          List<TrackDao.Hit> hits = dao.searchPage(range, longOnly, patterns, limit, offset);
          long total =
              hits.isEmpty()
                  ? (offset == 0 ? 0 : dao.countMatching(range, longOnly, patterns))
                  : hits.get(0).total();
          return new Page(
              hits.stream().map(hit -> hit.row().toTrack()).toList(), total, limit, offset);
        });
  }

  /** Escapes LIKE's wildcards with {@code !}, the escape character the queries declare. */
  static String escapeLike(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
