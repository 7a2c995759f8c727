package org.samesong.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.AuthService;
import org.samesong.auth.TokenService;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.StreamUrls;
import org.samesong.playback.PlaybackService;
import org.samesong.playlist.PlaylistService;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.request.RequestService;
import org.samesong.session.SessionService;
import org.samesong.settings.Setting;
import org.samesong.settings.SettingsService;
import org.samesong.sync.SessionSnapshots;
import org.samesong.user.PasswordHasher;
import org.samesong.user.UserService;

/** The wired feature services: what resources and front ends call. */
public record Services(
    Clock clock,
    SettingsService settings,
    UserService users,
    AuthService auth,
    RateLimiter limiter,
    CatalogService catalog,
    SessionService sessions,
    PlaylistService playlist,
    PlaybackService playback,
    RequestService requests) {

  /** Builds the services over a migrated database; the one place the graph is wired. */
  public static Services wire(
      Jdbi jdbi,
      ObjectMapper mapper,
      Clock clock,
      TokenService tokens,
      StreamUrls streamUrls,
      Map<Setting<?>, Object> seededSettings,
      Map<String, String> infrastructure) {
    SettingsService settings = new SettingsService(jdbi, mapper, clock, seededSettings, infrastructure);
    RateLimiter limiter = new RateLimiter(settings, clock);
    UserService users = new UserService(jdbi, new PasswordHasher(), clock);
    AuthService auth = new AuthService(jdbi, tokens, users, settings, limiter, clock);
    CatalogService catalog = new CatalogService(jdbi, streamUrls, clock);
    SessionService sessions = new SessionService(jdbi, auth, users, settings, limiter, clock);
    PlaylistService playlist = new PlaylistService(jdbi, sessions, catalog, clock);
    PlaybackService playback = new PlaybackService(jdbi, sessions, playlist, clock);
    RequestService requests = new RequestService(jdbi, sessions, playlist, limiter, mapper, clock);
    playlist.addListener(playback);
    playlist.addListener(requests);
    sessions.setStateProvider(new SessionSnapshots(playback, playlist));
    return new Services(clock, settings, users, auth, limiter, catalog, sessions, playlist, playback, requests);
  }
}
