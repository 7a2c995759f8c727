/**
 * Media: the audio behind catalog tracks. The library scanner ({@link
 * org.samesong.media.LibraryScanner}) reads the music folders into the catalog in the background
 * with a pure-Java tag reader ({@link org.samesong.media.TagReader}); signed, expiring stream URLs
 * ({@link org.samesong.media.StreamSigner}); the generated demo catalog ({@link
 * org.samesong.media.DemoCatalog}) that lets a fresh installation play sound without any files of
 * its own; the optional FFmpeg found at start ({@link org.samesong.media.Ffmpeg}). Depends on the
 * catalog and the settings, never the other way round.
 */
package org.samesong.media;
