package org.samesong.server;

import java.time.Clock;
import java.util.List;
import org.samesong.app.SamesongApplication;
import org.samesong.ui.shell.VaadinWebUi;

/**
 * {@code java -jar samesong.jar server [config.yml]}: the REST API, the WebSocket and the GUI
 * (without a file, the config.yml in the working folder or else the one inside the jar).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    application().run(SamesongApplication.withDefaultConfigFile(args));
  }

  /** The full application: service plus the Vaadin UI. */
  public static SamesongApplication application() {
    return new SamesongApplication(Clock.systemUTC(), List.of(new VaadinWebUi()));
  }
}
