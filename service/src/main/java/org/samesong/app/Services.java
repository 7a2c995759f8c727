package org.samesong.app;

import java.time.Clock;
import org.samesong.auth.AuthService;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.settings.SettingsService;
import org.samesong.user.UserService;

/** The wired feature services, handed to front ends. */
public record Services(
    Clock clock,
    SettingsService settings,
    UserService users,
    AuthService auth,
    RateLimiter limiter) {}
