package org.samesong.ui.host;

/**
 * The host's keyboard: space anywhere but in a field or on a button toggles play (the button is the
 * way on touch). The listener sits on the document and calls the panel's {@code togglePlay}; it
 * removes itself once the panel has left the page.
 */
final class SpaceBar {
  private SpaceBar() {}

  /** Installs the listener whenever {@code panel} (with a client-callable togglePlay) attaches. */
  static void togglesPlayOf(NowPlayingPanel panel) {
    panel.addAttachListener(e -> panel.getElement().executeJs(SCRIPT));
  }

  /** Space anywhere but in a field or on a button toggles play (the button is the way on touch). */
  private static final String SCRIPT =
      """
      const panel = this;
      if (panel.__samesongKeys) return;
      panel.__samesongKeys = ev => {
        if (!panel.isConnected) {
          document.removeEventListener('keydown', panel.__samesongKeys);
          return;
        }
        if (ev.code !== 'Space' || ev.repeat || ev.ctrlKey || ev.metaKey || ev.altKey) return;
        const t = ev.composedPath()[0];
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)
            || (t.closest && t.closest('vaadin-text-field, vaadin-button, vaadin-dialog-overlay')))) {
          return;
        }
        ev.preventDefault();
        panel.$server.togglePlay();
      };
      document.addEventListener('keydown', panel.__samesongKeys);
      """;
}
