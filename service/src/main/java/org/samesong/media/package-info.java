/**
 * Media: the audio behind catalog tracks. Signed, expiring stream URLs ({@link
 * org.samesong.media.StreamSigner}) and the generated demo catalog ({@link
 * org.samesong.media.DemoCatalog}) that lets a fresh installation play sound without any files of
 * its own. Depends on the catalog, never the other way round.
 */
package org.samesong.media;
