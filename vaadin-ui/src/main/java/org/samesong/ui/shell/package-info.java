/**
 * The Vaadin shell: installation into Jetty, services access, the signed-in user and the sign-in
 * guard, the screens' routes, errors and notices, and the small components the screens share. Every
 * screen's package may use it; it uses none of them.
 */
package org.samesong.ui.shell;
