package org.samesong.app;

import io.dropwizard.core.setup.Environment;

/**
 * A web front end installed into the application's Jetty context (the Vaadin module provides one).
 * It receives the wired services, since views call them directly.
 */
public interface WebUi {
  void install(Environment environment, Services services);
}
