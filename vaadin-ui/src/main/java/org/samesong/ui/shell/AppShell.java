package org.samesong.ui.shell;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.component.page.Viewport;
import com.vaadin.flow.server.AppShellSettings;

/** Page-wide settings: server push over WebSocket, a phone-friendly viewport. */
@Push
@Viewport("width=device-width, initial-scale=1")
public class AppShell implements AppShellConfigurator {
  @Override
  public void configurePage(AppShellSettings settings) {
    settings.setPageTitle("Samesong");
  }
}
