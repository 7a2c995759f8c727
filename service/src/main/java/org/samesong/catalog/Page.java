package org.samesong.catalog;

import java.util.List;

/**
 * One page of catalog search results.
 *
 * @param items the tracks of this page, ordered by title, then artist
 * @param total how many tracks match in all
 * @param limit the page size asked for
 * @param offset how many matches come before this page
 */
public record Page(List<Track> items, long total, int limit, int offset) {
  public Page {
    items = List.copyOf(items);
  }
}
