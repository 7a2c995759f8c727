/**
 * {@code /admin}: the administration screen ({@link org.samesong.ui.admin.AdminView}) with the
 * runtime and infrastructure settings, accounts, live sessions, FFmpeg and the music library
 * section (folders, problems, rescan and its progress).
 */
package org.samesong.ui.admin;
