package org.samesong.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How search text and queries are cut into words for the word index (changelog {@code
 * 004-catalog-search.xml}, whose backfill cuts the same way).
 *
 * <p>A track's tokens are its search text split at spaces; a query's words are the query split at
 * any whitespace. A query word holds no space, so wherever it occurs in the search text it lies
 * inside one token: finding the tokens that contain the word finds every track that can match.
 */
final class SearchWords {
  /** Longest token in the dictionary; tracks with longer tokens are listed under {@link #LONG}. */
  static final int MAX_WORD = 64;

  /** The token under which tracks with a token longer than {@link #MAX_WORD} are listed. */
  static final String LONG = "";

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private SearchWords() {}

  /** The distinct tokens of a search text (already lower-cased), long ones as {@link #LONG}. */
  static Set<String> tokens(String searchText) {
    Set<String> tokens = new LinkedHashSet<>();
    for (String token : searchText.split(" ")) {
      if (!token.isEmpty()) {
        tokens.add(token.length() > MAX_WORD ? LONG : token);
      }
    }
    return tokens;
  }

  /** Every suffix of a token, the token itself first. */
  static List<String> suffixes(String token) {
    List<String> suffixes = new ArrayList<>(token.length());
    for (int i = 0; i < token.length(); i++) {
      // never split a surrogate pair: a suffix starting at a low surrogate is no text
      if (i > 0 && Character.isLowSurrogate(token.charAt(i))) {
        continue;
      }
      suffixes.add(token.substring(i));
    }
    return suffixes;
  }

  /**
   * The words a query requires, lower-cased, longest first: each must occur in the track's search
   * text. Repeated words, and words contained in another word of the query, add nothing and are
   * left out.
   */
  static List<String> queryWords(String query) {
    String lower = query.strip().toLowerCase(Locale.ROOT);
    if (lower.isEmpty()) {
      return List.of();
    }
    List<String> words = new ArrayList<>(new LinkedHashSet<>(List.of(WHITESPACE.split(lower))));
    words.removeIf(String::isEmpty);
    words.sort(Comparator.comparingInt(String::length).reversed());
    List<String> needed = new ArrayList<>();
    for (String word : words) {
      if (needed.stream().noneMatch(longer -> longer.contains(word))) {
        needed.add(word);
      }
    }
    return needed;
  }

  /**
   * The smallest string greater than every string that starts with {@code prefix}, in code point
   * order; null when there is none that is simple to name (the prefix ends in a surrogate, just
   * before one, or in U+FFFF): then the caller bounds the range from below only.
   */
  static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    if (last == Character.MAX_VALUE
        || Character.isSurrogate(last)
        || Character.isSurrogate((char) (last + 1))) {
      return null;
    }
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
