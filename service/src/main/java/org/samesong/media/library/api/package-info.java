/**
 * Response bodies of the library's admin endpoint: folders, their problems and the scan's progress.
 */
package org.samesong.media.library.api;
