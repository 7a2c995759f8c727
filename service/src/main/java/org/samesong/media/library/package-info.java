/**
 * The music library: the background scanner that reads the configured folders into the catalog
 * ({@link org.samesong.media.library.LibraryScanner}), the pure-Java tag and duration readers
 * ({@link org.samesong.media.library.TagReader} with its MP3 and Opus helpers), the scan's
 * progress, the admin endpoint, the admin-port tasks ({@code library-scan}, {@code library-status})
 * and the {@code media} health check.
 */
package org.samesong.media.library;
