package org.samesong.ui.shell;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Inline;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.component.page.Viewport;
import com.vaadin.flow.server.AppShellSettings;

/**
 * Page-wide settings: server push over WebSocket, a phone-friendly viewport, the icon and the web
 * app manifest (so a phone can put the player on its home screen), and light or dark following the
 * system's setting, before the first paint and when it changes.
 */
@Push
@Viewport("width=device-width, initial-scale=1")
public class AppShell implements AppShellConfigurator {
  /** Lumo's dark variant while the system prefers dark: {@code theme="dark"} on the document. */
  static final String FOLLOW_SYSTEM_THEME =
      """
      (function () {
        var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
        function apply() {
          if (dark && dark.matches) {
            document.documentElement.setAttribute('theme', 'dark');
          } else {
            document.documentElement.removeAttribute('theme');
          }
        }
        apply();
        if (dark && dark.addEventListener) { dark.addEventListener('change', apply); }
      })();
      """;

  @Override
  public void configurePage(AppShellSettings settings) {
    settings.setPageTitle("Samesong");
    settings.addFavIcon("icon", "/icons/icon.svg", "any");
    settings.addFavIcon("icon", "/icons/icon-192.png", "192x192");
    settings.addFavIcon("apple-touch-icon", "/icons/apple-touch-icon.png", "180x180");
    settings.addLink("manifest", "/manifest.webmanifest");
    settings.addMetaTag("theme-color", "#1a5fd6");
    settings.addMetaTag("color-scheme", "light dark");
    settings.addInlineWithContents(
        Inline.Position.PREPEND, FOLLOW_SYSTEM_THEME, Inline.Wrapping.JAVASCRIPT);
  }
}
