package org.samesong.app;

import com.fasterxml.jackson.core.JsonParser;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.migrations.MigrationsBundle;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import jakarta.servlet.DispatcherType;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.SqlStatements;
import org.samesong.auth.AuthResource;
import org.samesong.auth.RoleAuthorizer;
import org.samesong.auth.TokenAuthFilter;
import org.samesong.auth.TokenService;
import org.samesong.catalog.CatalogResource;
import org.samesong.common.ApiErrorHandler;
import org.samesong.common.ApiExceptionMapper;
import org.samesong.common.BodySizeLimitFilter;
import org.samesong.common.ConstraintViolationMapper;
import org.samesong.common.ContentTypeCheckFilter;
import org.samesong.common.ErrorBodyFilter;
import org.samesong.common.JsonExceptionMapper;
import org.samesong.common.LogScrubbing;
import org.samesong.common.PathThreadNameFilter;
import org.samesong.common.SamesongPrincipal;
import org.samesong.common.SecurityHeadersFilter;
import org.samesong.common.SessionLogContext;
import org.samesong.common.StreamAudienceFilter;
import org.samesong.common.UnexpectedExceptionMapper;
import org.samesong.common.UnreadBodyFilter;
import org.samesong.common.WebApplicationExceptionMapper;
import org.samesong.integration.IntegrationTokenResource;
import org.samesong.integration.SessionEventResource;
import org.samesong.media.Ffmpeg;
import org.samesong.media.demo.DemoCatalog;
import org.samesong.media.library.LibraryResource;
import org.samesong.media.library.LibraryScanTask;
import org.samesong.media.library.LibraryScanner;
import org.samesong.media.library.LibraryStatusTask;
import org.samesong.media.library.MediaHealthCheck;
import org.samesong.media.stream.StreamResource;
import org.samesong.media.stream.StreamService;
import org.samesong.media.stream.StreamSigner;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.openapi.OpenApiDocument;
import org.samesong.openapi.OpenApiResource;
import org.samesong.playback.PlaybackResource;
import org.samesong.playlist.PlaylistResource;
import org.samesong.request.RequestLogResource;
import org.samesong.request.RequestResource;
import org.samesong.request.SessionRequestResource;
import org.samesong.session.KnockResource;
import org.samesong.session.SessionResource;
import org.samesong.settings.Setting;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsResource;
import org.samesong.sync.TimeResource;
import org.samesong.sync.ws.SyncEndpoint;
import org.samesong.user.AdminUserResource;
import org.samesong.user.UserService;
import org.samesong.webhook.AdminWebhookResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samesong: starts by hand, in the steps of {@link #run} (config → database → services → filters →
 * resources → operations → real time → web UI). The features' object graph is wired in {@link
 * Services#wire}.
 */
public class SamesongApplication extends Application<SamesongConfiguration> {
  private static final Logger LOG = LoggerFactory.getLogger(SamesongApplication.class);

  private final Clock clock;
  private final List<WebUi> webUis;
  private volatile Services services;

  public SamesongApplication(Clock clock, List<WebUi> webUis) {
    this.clock = clock;
    this.webUis = List.copyOf(webUis);
  }

  /** The REST API alone (tests and API-only deployments). */
  public SamesongApplication() {
    this(Clock.systemUTC(), List.of());
  }

  public static void main(String[] args) throws Exception {
    new SamesongApplication().run(withDefaultConfigFile(args));
  }

  /**
   * {@code server} or {@code check} without a configuration file names config.yml: the one in the
   * working folder, else the copy inside the jar (environment variables apply to both).
   */
  public static String[] withDefaultConfigFile(String[] args) {
    return BundledConfig.withDefaultFile(args);
  }

  @Override
  public String getName() {
    return "samesong";
  }

  @Override
  public void initialize(Bootstrap<SamesongConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            new BundledConfig(bootstrap.getConfigurationSourceProvider()),
            new EnvironmentVariableSubstitutor(false)));
    bootstrap.addBundle(
        new MigrationsBundle<>() {
          @Override
          public DataSourceFactory getDataSourceFactory(SamesongConfiguration config) {
            return config.database().build(prepareDataDir(config));
          }

          @Override
          public String getMigrationsFileName() {
            return Migrator.CHANGELOG;
          }
        });
    bootstrap.addCommand(new UserCommand());
    // {"role":"user","role":"admin"}: which one wins depends on the reader; refuse it (400)
    bootstrap.getObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /**
   * Start-up in the order things depend on each other; each step is one method below. The object
   * graph of the features themselves is built in {@link Services#wire}.
   */
  @Override
  public void run(SamesongConfiguration config, Environment environment) {
    // no credential in any log line, whatever level an admin turns a logger to
    LogScrubbing.install();
    if (BundledConfig.usedBundled()) {
      LOG.info("configuration: the config.yml inside the jar (no config.yml in this folder)");
    }
    Path dataDir = prepareDataDir(config);
    Jdbi jdbi = openMigratedDatabase(config, environment, dataDir);
    RedisSupport redis = config.redisUrl().isEmpty() ? null : new RedisSupport(config.redisUrl());
    byte[] secret = config.jwt().secretBytes(dataDir);
    StreamSigner signer = StreamSigner.derivedFrom(secret, clock);
    Services wired = wireServices(config, environment, jdbi, redis, secret, signer, dataDir);
    bindStreamUrls(signer, wired);
    prepareContent(config, environment, wired, dataDir);
    configureServletFilters(config, environment);
    registerRestApi(config, environment, wired, signer, dataDir);
    registerOperations(environment, wired);
    installRealTime(environment, wired, redis);
    services = wired;
    for (WebUi ui : webUis) {
      ui.install(environment, wired);
    }
    announceWhenReady(environment, wired.users());
  }

  /** The connection pool, migrated before anything reads, and Jdbi over it. */
  private static Jdbi openMigratedDatabase(
      SamesongConfiguration config, Environment environment, Path dataDir) {
    DataSourceFactory dataSourceFactory = config.database().build(dataDir);
    ManagedDataSource dataSource = dataSourceFactory.build(environment.metrics(), "database");
    long migrating = System.nanoTime();
    Migrator.migrate(dataSource);
    LOG.info("database schema up to date in {} ms", (System.nanoTime() - migrating) / 1_000_000);
    Jdbi jdbi = new JdbiFactory().build(environment, dataSourceFactory, dataSource, "database");
    // Dropwizard's factory wraps the template engine to prepend "/* Dao.method */" to every
    // statement; that wrapper only renders, so every statement's SQL was lexed again (the playback
    // writer's and the join batches' largest allocation). Jdbi's own engine parses each template
    // once and caches it.
    jdbi.getConfig(SqlStatements.class).setTemplateEngine(new DefinedAttributeTemplateEngine());
    return jdbi;
  }

  /** The features' services (see {@link Services#wire}), on Redis when there is one. */
  private Services wireServices(
      SamesongConfiguration config,
      Environment environment,
      Jdbi jdbi,
      RedisSupport redis,
      byte[] secret,
      StreamSigner signer,
      Path dataDir) {
    SamesongMetrics metrics = new SamesongMetrics();
    return Services.wire(
        jdbi,
        environment.getObjectMapper(),
        clock,
        new TokenService(secret, clock),
        signer,
        redis == null
            ? Services::inProcessBus
            : s -> redis.eventBus(s, environment.getObjectMapper(), metrics),
        redis == null ? null : redis.sharedBuckets(clock),
        seededSettings(config),
        infrastructure(config, dataDir),
        Ffmpeg.detect(null),
        dataDir,
        metrics);
  }

  /**
   * Stream URLs live {@code stream_url_ttl_s}, and each listener's are its own: a broadcast's URLs
   * (made for nobody) are bound to the member of each connection they go to.
   */
  private static void bindStreamUrls(StreamSigner signer, Services wired) {
    signer.ttlFrom(() -> Duration.ofSeconds(wired.settings().get(Settings.STREAM_URL_TTL_S)));
    wired.hub().bindStreamUrls(signer::bindTo);
  }

  /** The first admin (when asked for), the demo tracks, and a library scan in the background. */
  private static void prepareContent(
      SamesongConfiguration config, Environment environment, Services wired, Path dataDir) {
    createBootstrapAdmin(config, wired.users());
    new DemoCatalog(wired.catalog()).ensure(dataDir);
    LibraryScanner scanner = wired.scanner();
    environment.lifecycle().manage(new AutoCloseableManager(scanner));
    if (!scanner.folders().isEmpty()) {
      scanner.startScan(); // start-up does not wait for it
    }
  }

  /**
   * Filters in front of everything: thread names, gzip, content types, the API's error pages, and
   * the request log without logback-access's false version warnings ({@link AccessLogFactory}).
   */
  private static void configureServletFilters(
      SamesongConfiguration config, Environment environment) {
    // audio streams: compressed already, and gzip would turn byte ranges into ranges of nothing;
    // thread names (in every log line) without the query string, which may hold a signature
    if (config.getServerFactory() instanceof AbstractServerFactory server) {
      server.setEnableThreadNameFilter(false);
      environment
          .servlets()
          .addFilter("thread-names", new PathThreadNameFilter())
          .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
      Set<String> excluded = new HashSet<>();
      if (server.getGzipFilterFactory().getExcludedPaths() != null) {
        excluded.addAll(server.getGzipFilterFactory().getExcludedPaths());
      }
      excluded.add("/api/tracks/*");
      // Server-Sent Events: each event must leave at once, not wait in a compressor's buffer
      excluded.add("^/api/sessions/[^/]+/events$");
      server.getGzipFilterFactory().setExcludedPaths(excluded);
      if (server.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requestLog
          && !(requestLog instanceof AccessLogFactory)) {
        server.setRequestLogFactory(AccessLogFactory.of(requestLog));
      }
    }
    // nosniff and Referrer-Policy everywhere; GUI pages may not be framed
    environment
        .servlets()
        .addFilter("security-headers", new SecurityHeadersFilter())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    // REST API; a Content-Type that cannot be parsed gets the error body, not the container's page
    environment
        .servlets()
        .addFilter("content-type-check", new ContentTypeCheckFilter())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
    // and so do the refusals Jetty makes before any of it runs (a request target, request line or
    // headers it will not read), for requests under /api; the web UI keeps Jetty's pages
    environment
        .lifecycle()
        .addEventListener(
            ApiErrorHandler.installer(
                environment.getObjectMapper(), environment.getApplicationContext()));
  }

  /** Jersey: the error mappers, the auth filter, every resource, and the OpenAPI document last. */
  private void registerRestApi(
      SamesongConfiguration config,
      Environment environment,
      Services wired,
      StreamSigner signer,
      Path dataDir) {
    var jersey = environment.jersey();
    jersey.register(new ApiExceptionMapper());
    jersey.register(new JsonExceptionMapper());
    jersey.register(new ConstraintViolationMapper());
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
    jersey.register(new ErrorBodyFilter());
    jersey.register(new BodySizeLimitFilter(config.maxRequestBytes()));
    jersey.register(new UnreadBodyFilter(config.maxRequestBytes()));
    jersey.register(
        new AuthDynamicFeature(
            new TokenAuthFilter(
                wired.auth(), new RoleAuthorizer(), wired.integrationTokens()::authenticate)));
    jersey.register(RolesAllowedDynamicFeature.class);
    jersey.register(new SessionLogContext());
    jersey.register(new StreamAudienceFilter());
    jersey.register(new AuthValueFactoryProvider.Binder<>(SamesongPrincipal.class));
    jersey.register(new TimeResource(clock));
    jersey.register(new AuthResource(wired.auth()));
    jersey.register(new SettingsResource(wired.settings()));
    jersey.register(new AdminUserResource(wired.users()));
    jersey.register(new CatalogResource(wired.catalog()));
    jersey.register(new SessionResource(wired.sessions(), wired.hosting(), wired.knocks()));
    jersey.register(new KnockResource(wired.knocks()));
    jersey.register(new PlaylistResource(wired.playlist(), wired.requests()));
    jersey.register(new SessionRequestResource(wired.requests()));
    jersey.register(new RequestResource(wired.requests()));
    jersey.register(new PlaybackResource(wired.playback()));
    jersey.register(new RequestLogResource(wired.requestLog()));
    jersey.register(new IntegrationTokenResource(wired.integrationTokens()));
    jersey.register(
        new SessionEventResource(
            wired.eventStreams(),
            wired.sessions(),
            token ->
                wired
                    .auth()
                    .inspect(token)
                    .map(check -> check.expiresAt().toEpochMilli())
                    .orElse(0L)));
    jersey.register(new AdminWebhookResource(wired.webhooks()));
    jersey.register(new LibraryResource(wired.scanner(), wired.ffmpeg()));
    StreamService streams =
        new StreamService(
            wired.catalog(),
            signer,
            wired.settings(),
            dataDir.resolve(DemoCatalog.FOLDER),
            wired.origins(),
            clock);
    // a kicked member's URLs stop at once; asked of memory (see SessionService#isActiveMember)
    streams.memberCheck(wired.sessions()::isActiveMember);
    jersey.register(new StreamResource(streams));
    // the document of every resource registered by now or later, read on its first request
    jersey.register(new OpenApiResource(OpenApiDocument.of(jersey.getResourceConfig())));
  }

  /** The admin port: the media health check, the library tasks and Prometheus' /prometheus. */
  private static void registerOperations(Environment environment, Services wired) {
    environment
        .healthChecks()
        .register("media", new MediaHealthCheck(wired.scanner(), wired.ffmpeg()));
    environment.admin().addTask(new LibraryScanTask(wired.scanner()));
    environment.admin().addTask(new LibraryStatusTask(wired.scanner(), wired.ffmpeg()));
    Monitoring.install(environment, wired);
  }

  /**
   * Real time: the playback writer and the track scheduler, the sync WebSocket in the same Jetty
   * (Vaadin's push shares the container), and the closing of the bus, roster and Redis.
   */
  private void installRealTime(Environment environment, Services wired, RedisSupport redis) {
    // the states commands made in memory reach the database behind them; stopped (and flushed)
    // before the database pool closes
    environment.lifecycle().manage(wired.playback().writer());
    environment.lifecycle().manage(wired.trackScheduler());
    environment.lifecycle().manage(wired.webhookDelivery());
    environment
        .lifecycle()
        .manage(
            new io.dropwizard.lifecycle.Managed() {
              @Override
              public void start() {
                wired.hostHandOff().start();
              }

              @Override
              public void stop() {
                wired.hostHandOff().close();
              }
            });
    environment
        .lifecycle()
        .manage(
            new io.dropwizard.lifecycle.Managed() {
              @Override
              public void stop() {
                wired.origins().close();
                wired.broadcaster().roster().close();
                wired.bus().close();
                if (redis != null) {
                  redis.close();
                }
              }
            });
    environment.healthChecks().register("event-bus", new EventBusHealthCheck(wired.bus()));
    SyncEndpoint.Deps syncDeps =
        new SyncEndpoint.Deps(
            wired.auth(),
            wired.sessions(),
            wired.playlist(),
            wired.playback(),
            wired.requests(),
            wired.knocks(),
            wired.settings(),
            wired.hub(),
            wired.broadcaster(),
            environment.getObjectMapper(),
            clock,
            wired.metrics());
    JakartaWebSocketServletContainerInitializer.configure(
        environment.getApplicationContext(),
        (servletContext, container) ->
            container.addEndpoint(
                ServerEndpointConfig.Builder.create(SyncEndpoint.class, SyncEndpoint.PATH)
                    .configurator(
                        new ServerEndpointConfig.Configurator() {
                          @Override
                          public <T> T getEndpointInstance(Class<T> type) {
                            return type.cast(new SyncEndpoint(syncDeps));
                          }

                          /*
                           * None, permessage-deflate included, which every browser offers: it
                           * keeps a compressor per connection (~70 KB of native memory each:
                           * 10,000 phones would hold 0.7 GB) and compresses every broadcast
                           * once per listener, to save a few dozen bytes of a 300-byte message.
                           */
                          @Override
                          public List<Extension> getNegotiatedExtensions(
                              List<Extension> installed, List<Extension> requested) {
                            return List.of();
                          }
                        })
                    .build()));
  }

  /** One log line with the address once Jetty listens (and a hint on the first run). */
  private static void announceWhenReady(Environment environment, UserService users) {
    environment
        .lifecycle()
        .addServerLifecycleListener(
            server -> {
              int port = applicationPort(server.getConnectors());
              LOG.info(
                  "Samesong is ready at http://localhost:{}/{}",
                  port,
                  users.needsSetup()
                      ? " (first run: the setup screen waits there to create the admin account)"
                      : "");
            });
  }

  /** The wired services, once {@link #run} has built them. */
  public Services services() {
    return services;
  }

  private static int applicationPort(Connector[] connectors) {
    for (Connector connector : connectors) {
      if (connector instanceof NetworkConnector network
          && "application".equals(connector.getName())) {
        return network.getLocalPort();
      }
    }
    for (Connector connector : connectors) {
      if (connector instanceof NetworkConnector network) {
        return network.getLocalPort();
      }
    }
    return -1;
  }

  static Path prepareDataDir(SamesongConfiguration config) {
    Path dataDir = config.dataDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data folder " + dataDir, e);
    }
    return dataDir;
  }

  private static Map<Setting<?>, Object> seededSettings(SamesongConfiguration config) {
    Map<Setting<?>, Object> seeds = new LinkedHashMap<>();
    if (!config.publicUrl().isEmpty()) {
      seeds.put(Settings.PUBLIC_URL, config.publicUrl());
    }
    if (!config.libraryFolders().isEmpty()) {
      seeds.put(Settings.LIBRARY_FOLDERS, config.libraryFolders());
    }
    return seeds;
  }

  private static Map<String, String> infrastructure(SamesongConfiguration config, Path dataDir) {
    Map<String, String> infra = new LinkedHashMap<>();
    infra.put("data_dir", dataDir.toString());
    infra.put("database_url", config.database().displayUrl(dataDir));
    infra.put("event_bus", config.redisUrl().isEmpty() ? "in-process" : "redis");
    infra.put(
        "jwt_secret",
        config.jwt().isConfigured()
            ? "from SAMESONG_JWT_SECRET"
            : "generated, kept in the data folder");
    infra.put("tls", "terminate TLS in a reverse proxy (see deploy/)");
    return infra;
  }

  private static void createBootstrapAdmin(SamesongConfiguration config, UserService users) {
    BootstrapAdmin admin = config.bootstrapAdmin();
    if (!admin.isSet() || !users.needsSetup()) {
      return;
    }
    try {
      users.createFirstAdmin(admin.username(), admin.password());
      LOG.info("first admin {} created from SAMESONG_ADMIN_USER", admin.username());
    } catch (org.samesong.common.ApiException e) {
      throw new IllegalStateException(
          "SAMESONG_ADMIN_USER / SAMESONG_ADMIN_PASSWORD: " + e.getMessage(), e);
    }
  }
}
