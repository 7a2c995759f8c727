package org.samesong.catalog;

/**
 * What probing a URL once found out about its audio.
 *
 * @param title from the tags, else derived from the URL; never blank
 * @param artist null when unknown
 * @param album null when unknown
 * @param durationMs greater than zero
 * @param mediaType e.g. {@code audio/mpeg}
 */
public record ProbedMedia(
    String title, String artist, String album, long durationMs, String mediaType) {}
