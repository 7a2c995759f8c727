package org.samesong.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.AuthService;
import org.samesong.auth.TokenService;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.StreamUrls;
import org.samesong.integration.IntegrationTokenService;
import org.samesong.integration.SessionEventStreams;
import org.samesong.media.Ffmpeg;
import org.samesong.media.library.LibraryScanner;
import org.samesong.media.url.MediaProber;
import org.samesong.media.url.OriginClient;
import org.samesong.media.url.UrlGuard;
import org.samesong.media.url.UrlTrackProber;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.playback.PlaybackService;
import org.samesong.playlist.PlaylistService;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.request.RequestLogExportService;
import org.samesong.request.RequestService;
import org.samesong.session.HostingService;
import org.samesong.session.KnockService;
import org.samesong.session.SessionService;
import org.samesong.settings.Setting;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.sync.Broadcaster;
import org.samesong.sync.HostHandOff;
import org.samesong.sync.PlayerSettings;
import org.samesong.sync.SessionSnapshots;
import org.samesong.sync.SyncHub;
import org.samesong.sync.TrackScheduler;
import org.samesong.sync.bus.Envelope;
import org.samesong.sync.bus.EventBus;
import org.samesong.sync.bus.InProcessEventBus;
import org.samesong.user.PasswordHasher;
import org.samesong.user.UserService;
import org.samesong.webhook.WebhookDeliveryService;
import org.samesong.webhook.WebhookService;

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
    RequestService requests,
    HostingService hosting,
    KnockService knocks,
    HostHandOff hostHandOff,
    EventBus bus,
    SyncHub hub,
    Broadcaster broadcaster,
    TrackScheduler trackScheduler,
    Ffmpeg ffmpeg,
    LibraryScanner scanner,
    OriginClient origins,
    SamesongMetrics metrics,
    RequestLogExportService requestLog,
    IntegrationTokenService integrationTokens,
    SessionEventStreams eventStreams,
    WebhookService webhooks,
    WebhookDeliveryService webhookDelivery) {

  /**
   * Builds the services over a migrated database; the one place the graph is wired.
   *
   * @param dataDir the data folder (its generated demo tracks survive every library scan); null
   *     when there is none
   * @param metrics where the features record what they measure
   */
  public static Services wire(
      Jdbi jdbi,
      ObjectMapper mapper,
      Clock clock,
      TokenService tokens,
      StreamUrls streamUrls,
      java.util.function.Function<SessionService, EventBus> busFactory,
      RateLimiter.SharedBuckets sharedBuckets,
      Map<Setting<?>, Object> seededSettings,
      Map<String, String> infrastructure,
      Ffmpeg ffmpeg,
      Path dataDir,
      SamesongMetrics metrics) {
    SettingsService settings =
        new SettingsService(jdbi, mapper, clock, seededSettings, infrastructure);
    RateLimiter limiter = new RateLimiter(settings, clock, sharedBuckets, metrics);
    UserService users =
        new UserService(
            jdbi, new PasswordHasher(), clock, () -> settings.get(Settings.MIN_PASSWORD_STRENGTH));
    AuthService auth = new AuthService(jdbi, tokens, users, settings, limiter, clock);
    // URL tracks: every connection to an origin passes the address check (allow_private_urls)
    UrlGuard guard = new UrlGuard(() -> settings.get(Settings.ALLOW_PRIVATE_URLS));
    OriginClient origins = new OriginClient(guard);
    CatalogService catalog =
        new CatalogService(
            jdbi,
            streamUrls,
            new UrlTrackProber(origins, new MediaProber(ffmpeg), UrlTrackProber.DEFAULT_MAX_BYTES),
            clock);
    SessionService sessions = new SessionService(jdbi, auth, users, settings, limiter, clock);
    PlaylistService playlist = new PlaylistService(jdbi, sessions, catalog, settings, clock);
    PlaybackService playback = new PlaybackService(jdbi, playlist, clock);
    RequestService requests =
        new RequestService(jdbi, sessions, playlist, limiter, mapper, clock, metrics, settings);
    requests.setCurrentItem(id -> playback.json(id).itemId());
    HostingService hosting = new HostingService(jdbi, sessions, clock);
    KnockService knocks = new KnockService(jdbi, sessions, auth, settings, clock);
    playlist.addListener(playback);
    playlist.addListener(requests);
    EventBus bus = busFactory.apply(sessions);
    SyncHub hub = new SyncHub(bus);
    Broadcaster broadcaster =
        new Broadcaster(bus, hub, sessions, playlist, playback, requests, mapper, clock);
    // memory first, so that a hello built while a broadcast is delivered is never older than it
    bus.subscribe(broadcaster::heard);
    bus.subscribe(hub::deliver);
    HostHandOff hostHandOff = new HostHandOff(hub, broadcaster.roster(), hosting, settings, clock);
    TrackScheduler trackScheduler = new TrackScheduler(playback, broadcaster, hub, settings, clock);
    sessions.setStateProvider(new SessionSnapshots(playback, playlist, hub, broadcaster.roster()));
    // presence shared by a cluster: when an instance's connections lapse, its hosts hear of it
    bus.presence().start(hub::followedSessions, broadcaster::membersChanged);
    sessions.setEvents(broadcaster);
    // webhooks: each event stored with its change, sent by a deliverer of its own (same address
    // check as URL tracks)
    WebhookService webhooks = new WebhookService(jdbi, settings, mapper, clock);
    sessions.setOutbox(webhooks);
    requests.setOutbox(webhooks);
    playback.writer().setOutbox(webhooks);
    WebhookDeliveryService webhookDelivery =
        new WebhookDeliveryService(jdbi, webhooks, settings, guard, clock);
    playlist.setEvents(broadcaster);
    requests.setEvents(broadcaster);
    auth.onSessionLoginsRevoked(r -> broadcaster.loginRevoked(r.sessionId(), r.familyId()));
    // a settings change on one instance reaches the others through the bus
    settings.onUpdate(broadcaster::settingsChanged);
    // and the players connected to each instance hear of the part that is theirs
    // (on a thread of their own: the bus may deliver on the Redis client's event loop, which must
    // not wait for the database or for Redis itself)
    PlayerSettings playerSettings = new PlayerSettings(settings, hub, broadcaster, clock);
    ThreadPoolExecutor settingsThread =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "settings-reload");
              t.setDaemon(true);
              return t;
            });
    settingsThread.allowCoreThreadTimeOut(true);
    bus.subscribe(
        e -> {
          if (Envelope.SETTINGS.equals(e.kind())) {
            settingsThread.execute(
                () -> {
                  settings.reload();
                  playerSettings.reloaded();
                });
          }
        });
    // after an outage of the bus: a settings change or any broadcast may have gone by unheard
    bus.onReconnect(
        () -> {
          settings.reload();
          playerSettings.reloaded();
          broadcaster.resyncFollowedSessions();
        });
    RequestLogExportService requestLog =
        new RequestLogExportService(jdbi, sessions, catalog::findIncludingRemoved, mapper, clock);
    IntegrationTokenService integrationTokens = new IntegrationTokenService(jdbi, sessions, clock);
    // a revoked token's streams close on every instance, as a revoked login's sockets do
    integrationTokens.onRevoked(broadcaster::loginRevoked);
    SessionEventStreams eventStreams =
        new SessionEventStreams(
            bus,
            hub,
            sessions,
            new SessionSnapshots(playback, playlist, hub, broadcaster.roster()),
            mapper,
            clock);
    LibraryScanner scanner = new LibraryScanner(catalog, settings, clock, dataDir);
    settings.onUpdate(scanner::settingsUpdated);
    return new Services(
        clock,
        settings,
        users,
        auth,
        limiter,
        catalog,
        sessions,
        playlist,
        playback,
        requests,
        hosting,
        knocks,
        hostHandOff,
        bus,
        hub,
        broadcaster,
        trackScheduler,
        ffmpeg,
        scanner,
        origins,
        metrics,
        requestLog,
        integrationTokens,
        eventStreams,
        webhooks,
        webhookDelivery);
  }

  /** The single-instance bus, numbering broadcasts in blocks reserved in the database. */
  public static EventBus inProcessBus(SessionService sessions) {
    return new InProcessEventBus(sessions::reserveSequence, sessions::storedSequence);
  }
}
