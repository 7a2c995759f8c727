package org.samesong.server;

import java.time.Clock;
import java.util.List;
import org.samesong.app.SamesongApplication;
import org.samesong.ui.shell.VaadinWebUi;

/**
 * The application as {@link Main} runs it, with a no-argument constructor for the test extension.
 */
public class FullApp extends SamesongApplication {
  public FullApp() {
    super(Clock.systemUTC(), List.of(new VaadinWebUi()));
  }
}
