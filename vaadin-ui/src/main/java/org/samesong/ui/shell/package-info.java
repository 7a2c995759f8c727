/** The Vaadin shell: installation into Jetty, services access, the logged-in user, errors. */
package org.samesong.ui.shell;
