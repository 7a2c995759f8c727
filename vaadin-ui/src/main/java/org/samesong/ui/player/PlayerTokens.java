package org.samesong.ui.player;

import com.vaadin.flow.component.UI;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.samesong.auth.AuthService;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.ApiException;
import org.samesong.ui.shell.UiTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a player's access token fresh: renews it through the member's refresh token a minute before
 * it expires (and at once when the element reports an expired token), and hands the new one to the
 * element, which gives it to its open connection ({@code reauth}): the server closes a connection
 * whose token expired. Renewal runs inside {@code UI.access}, i.e. under the browser session's
 * lock, so two tabs of one guest never spend the same refresh token twice (which would revoke the
 * family).
 */
public final class PlayerTokens {
  private static final Logger LOG = LoggerFactory.getLogger(PlayerTokens.class);
  private static final long LEAD_SECONDS = 60;

  private final SyncAudio player;
  private final AuthService auth;
  private final Supplier<String> refreshToken;
  private final Consumer<TokenResponse> store;
  private ScheduledFuture<?> next;

  /**
   * @param refreshToken the member's current refresh token (read at each renewal)
   * @param store keeps a renewed pair (e.g. in the guest's seat)
   * @param expiresInSeconds lifetime of the token the player holds now
   */
  public PlayerTokens(
      SyncAudio player,
      AuthService auth,
      Supplier<String> refreshToken,
      Consumer<TokenResponse> store,
      long expiresInSeconds) {
    this.player = player;
    this.auth = auth;
    this.refreshToken = refreshToken;
    this.store = store;
    player.addTokenExpiredListener(e -> renew());
    player.addAttachListener(e -> schedule(e.getUI(), expiresInSeconds));
    player.addDetachListener(e -> cancel());
  }

  private void schedule(UI ui, long expiresInSeconds) {
    cancel();
    // a minute ahead, or a third of the lifetime with short ones (access_token_ttl_s may be 30)
    long lead = Math.min(LEAD_SECONDS, expiresInSeconds / 3);
    long delay = Math.max(5, expiresInSeconds - lead);
    next = UiTimer.later(ui, delay, TimeUnit.SECONDS, this::renew);
  }

  private void renew() {
    try {
      TokenResponse fresh = auth.refresh(refreshToken.get());
      store.accept(fresh);
      player.setToken(fresh.accessToken());
      player.getUI().ifPresent(ui -> schedule(ui, fresh.expiresIn()));
    } catch (ApiException e) {
      // revoked or kicked: the element hears 4401/4403 and says so; nothing to retry
      LOG.debug("player token not renewed: {}", e.getMessage());
    }
  }

  private void cancel() {
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }
}
