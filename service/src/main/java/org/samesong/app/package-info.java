/** The Dropwizard application: configuration, wiring, commands and start-up. */
package org.samesong.app;
