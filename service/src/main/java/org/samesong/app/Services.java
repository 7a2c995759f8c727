package org.samesong.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.AuthService;
import org.samesong.auth.TokenService;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.settings.Setting;
import org.samesong.settings.SettingsService;
import org.samesong.user.PasswordHasher;
import org.samesong.user.UserService;

/** The wired feature services: what resources and front ends call. */
public record Services(
    Clock clock,
    SettingsService settings,
    UserService users,
    AuthService auth,
    RateLimiter limiter) {

  /** Builds the services over a migrated database; the one place the graph is wired. */
  public static Services wire(
      Jdbi jdbi,
      ObjectMapper mapper,
      Clock clock,
      TokenService tokens,
      Map<Setting<?>, Object> seededSettings,
      Map<String, String> infrastructure) {
    SettingsService settings = new SettingsService(jdbi, mapper, clock, seededSettings, infrastructure);
    RateLimiter limiter = new RateLimiter(settings, clock);
    UserService users = new UserService(jdbi, new PasswordHasher(), clock);
    AuthService auth = new AuthService(jdbi, tokens, users, settings, limiter, clock);
    return new Services(clock, settings, users, auth, limiter);
  }
}
