package org.samesong.catalog;

/**
 * A library file as the catalog last saw it: enough for a rescan to tell unchanged files from new
 * and changed ones without reading their tags again.
 *
 * @param trackId the track's id
 * @param location the absolute, normalised path
 * @param locationHash the key of {@link CatalogService#locationHash}
 * @param size size in bytes when registered, null when not recorded
 * @param mtime modification time (epoch ms) when registered, null when not recorded
 */
public record LibraryFile(
    String trackId, String location, String locationHash, Long size, Long mtime) {}
