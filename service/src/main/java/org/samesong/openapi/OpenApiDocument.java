package org.samesong.openapi;

import com.google.common.base.Suppliers;
import io.dropwizard.auth.Auth;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.ResourceConfig;
import org.samesong.common.ErrorBody;
import org.samesong.settings.Setting;
import org.samesong.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAPI 3 document of the REST API. Swagger reads it from the annotations of the resources
 * that are registered, once, on its first request, and it is kept as JSON and YAML text. Not at
 * start: reading takes about a second (0.5–2 s measured on two busy cores) that start-up need not
 * spend, and most runs never serve the document.
 *
 * <p>What follows from the code itself is added here rather than written on every operation, so
 * that it cannot drift from the code: the security of every operation that needs a token (its
 * {@code @RolesAllowed}, {@code @PermitAll} or {@code @Auth}), with the 401, 403 and 503 that the
 * token check itself can answer; 400, 413 and 415 for every operation that reads a JSON body; and
 * the one error body ({@value #ERROR_SCHEMA}) for every 4xx and 5xx answer.
 */
public final class OpenApiDocument {
  private static final Logger LOG = LoggerFactory.getLogger(OpenApiDocument.class);

  /** The component every error answer refers to. */
  public static final String ERROR_SCHEMA = "ErrorBody";

  public static final String BEARER = "bearerAuth";
  public static final String COOKIE = "cookieAuth";
  public static final String STREAM_SIGNATURE = "streamSignature";

  /** The scheme of {@code GET /knocks/{id}}: the knock's own secret, not an access token. */
  public static final String KNOCK_TOKEN = "knockToken";

  private static final String JSON = jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

  private static final String DESCRIPTION =
      """
      The REST API of Samesong, a self-hosted collaborative music player: a host runs a listening \
      session, guests join with an invite code and shape the playlist through requests the host \
      approves.

      Every path is under `/api`. The rules behind each endpoint are written down in `docs/api.md` \
      of the Samesong repository; the real-time WebSocket `/ws/sessions/{id}`, which an OpenAPI \
      document cannot describe, in `docs/protocol.md`.

      **Errors** always have the body `ErrorBody`, `{"error": {"code", "message", "field"?}}`, \
      with a fitting status; `field` names the input that is wrong.

      **Tokens** are JWTs with a role: `admin` and `user` (accounts, from `POST /auth/login`), \
      `host` (from `POST /sessions`) and `guest` (from `POST /sessions/{code}/join`); `member` \
      means the host or a guest. A host's or guest's token works only on its own session. Send \
      it as `Authorization: Bearer <token>`, or, in a browser, as the `samesong_access` cookie \
      that login sets, together with the `X-CSRF-Token` header (the login's `csrf_token`) on \
      requests that change state. \
      Audio streams need no token: their signed URL is the credential.""";

  /** The tags in the order a reader meets them, each with what it groups. */
  private static final List<Tag> TAGS =
      List.of(
          tag("auth", "Log in, refresh (rotating) and log out."),
          tag("sessions", "Listening sessions: create, join by invite code, view, end, kick."),
          tag(
              "playlist",
              "A session's playlist. The host edits it directly; a guest's edit becomes a request."),
          tag("playback", "The host's transport controls."),
          tag("requests", "Guests' proposed playlist changes, and the host's decisions on them."),
          tag("catalog", "Search the tracks; add a track by URL."),
          tag("streams", "The audio of a track, by signed URL, with byte ranges."),
          tag("time", "The server clock, for a first clock-offset estimate."),
          tag("settings", "Runtime settings (admin)."),
          tag("users", "Accounts (admin)."),
          tag("library", "Library folders and scans (admin)."),
          tag(
              "integrations",
              "A session's broadcasts as Server-Sent Events, and the host's read-only integration"
                  + " tokens for them."),
          tag("admin", "Webhooks: status per URL, the signing secret, a test event (admin)."));

  private final Supplier<Collection<Class<?>>> resources;
  private final Supplier<Rendered> rendered = Suppliers.memoize(this::render);

  private record Rendered(String json, String yaml) {}

  /**
   * @param resources the resource classes to document, asked for on first use
   */
  public OpenApiDocument(Supplier<Collection<Class<?>>> resources) {
    this.resources = resources;
  }

  /**
   * The document of every root resource registered in {@code config} when it is first asked for.
   */
  public static OpenApiDocument of(ResourceConfig config) {
    return new OpenApiDocument(
        () -> {
          Set<Class<?>> classes = new LinkedHashSet<>(config.getClasses());
          config.getInstances().forEach(instance -> classes.add(instance.getClass()));
          return classes.stream().filter(c -> c.isAnnotationPresent(Path.class)).toList();
        });
  }

  public String json() {
    return rendered.get().json();
  }

  public String yaml() {
    return rendered.get().yaml();
  }

  /** The project's version, as the build wrote it next to this class. */
  public static String version() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Rendered render() {
    long start = System.nanoTime();
    OpenAPI api = build(resources.get());
    Rendered result = new Rendered(Json.pretty(api), Yaml.pretty(api));
    LOG.info(
        "OpenAPI document of {} paths read in {} ms",
        api.getPaths().size(),
        (System.nanoTime() - start) / 1_000_000);
    return result;
  }

  static OpenAPI build(Collection<Class<?>> classes) {
    OpenAPI base =
        new OpenAPI()
            .info(new Info().title("Samesong").version(version()).description(DESCRIPTION))
            .servers(List.of(new Server().url("/api").description("this server")))
            .tags(new ArrayList<>(TAGS))
            .components(new Components().securitySchemes(securitySchemes()));
    // sorted, so that the document does not depend on the order of registration
    Set<Class<?>> sorted = new LinkedHashSet<>();
    classes.stream().sorted(Comparator.comparing(Class::getName)).forEach(sorted::add);
    OpenAPI api = new Reader(new SwaggerConfiguration().openAPI(base)).read(sorted);

    Paths paths = new Paths();
    new TreeMap<>(api.getPaths()).forEach(paths::addPathItem);
    api.setPaths(paths);
    Components components = api.getComponents();
    ModelConverters.getInstance().readAll(ErrorBody.class).forEach(components::addSchemas);
    components.addSchemas("Settings", settingsSchema());
    components.addSchemas("SessionState", sessionStateSchema());

    Map<String, Method> methods = operationMethods(sorted);
    for (PathItem item : api.getPaths().values()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.readOperationsMap().entrySet()) {
        Operation operation = entry.getValue();
        Method method = methods.get(operation.getOperationId());
        if (method != null) {
          complete(operation, entry.getKey(), method);
        }
        errorBodies(operation);
        sortResponses(operation);
      }
    }
    return api;
  }

  /** Every method whose {@code @Operation} names its id, by that id. */
  private static Map<String, Method> operationMethods(Collection<Class<?>> classes) {
    Map<String, Method> methods = new HashMap<>();
    for (Class<?> type : classes) {
      for (Method method : type.getMethods()) {
        var operation = method.getAnnotation(io.swagger.v3.oas.annotations.Operation.class);
        if (operation != null && !operation.operationId().isEmpty()) {
          methods.put(operation.operationId(), method);
        }
      }
    }
    return methods;
  }

  /** Security and the answers of the token check and of the body reader, from the code. */
  private static void complete(Operation operation, PathItem.HttpMethod verb, Method method) {
    boolean changes =
        verb != PathItem.HttpMethod.GET
            && verb != PathItem.HttpMethod.HEAD
            && verb != PathItem.HttpMethod.OPTIONS;
    List<String> roles = roles(method);
    if (roles != null) {
      operation.setSecurity(
          List.of(
              new SecurityRequirement().addList(BEARER),
              new SecurityRequirement().addList(COOKIE)));
      operation.addExtension("x-roles", roles);
      String who = who(roles);
      operation.setDescription(
          (operation.getDescription() == null ? "" : operation.getDescription() + "\n\n")
              + "**Who:** "
              + who
              + ".");
      respondAlso(
          operation,
          "401",
          "No access token, or one that is expired, revoked, of a kicked guest or of a disabled"
              + " account (`unauthorized`).");
      if (!roles.isEmpty() || changes) {
        List<String> reasons = new ArrayList<>();
        if (!roles.isEmpty()) {
          reasons.add("`forbidden`: the token is not " + who + ".");
        }
        if (changes) {
          reasons.add(
              "`csrf`: a request authenticated by the cookie lacks the `X-CSRF-Token` header"
                  + " equal to the `csrf` cookie and to its login's `csrf_token`.");
        }
        respondAlso(operation, "403", String.join(" ", reasons));
      }
      respond(
          operation,
          "503",
          "The database is unavailable (`unavailable`), or the session is busy (`busy`, with"
              + " `Retry-After`): try again.");
    }
    if (operation.getRequestBody() != null) {
      respond(
          operation,
          "400",
          "The body is not JSON, or a field has the wrong type or value; `field` names it.");
      respond(operation, "413", "The body is larger than the server takes (`payload_too_large`).");
      respond(operation, "415", "The body is not `application/json` (`unsupported_media_type`).");
    }
  }

  /**
   * The roles that may call, as the auth filter decides: the method's {@code @RolesAllowed} or
   * {@code @PermitAll} (an empty list: any token), else its class's {@code @RolesAllowed}, else any
   * token when it takes an {@code @Auth} parameter; null when it needs no token.
   */
  private static List<String> roles(Method method) {
    RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
    if (roles != null) {
      return List.of(roles.value());
    }
    if (method.isAnnotationPresent(PermitAll.class)) {
      return List.of();
    }
    roles = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
    if (roles != null) {
      return List.of(roles.value());
    }
    for (Annotation[] annotations : method.getParameterAnnotations()) {
      if (Arrays.stream(annotations).anyMatch(Auth.class::isInstance)) {
        return List.of();
      }
    }
    return null;
  }

  private static String who(List<String> roles) {
    if (roles.isEmpty()) {
      return "any valid access token";
    }
    return roles.stream()
        .map(
            role ->
                switch (role) {
                  case "admin" -> "an admin's token";
                  case "user" -> "an account's token (`user` or `admin`)";
                  case "host" -> "the host's token of this session";
                  case "guest" -> "a guest's token of this session";
                  case "member" -> "the host's or a guest's token of this session";
                  case "integration" -> "an integration token (`ssi_…`) of this session";
                  default -> "a token of role `" + role + "`";
                })
        .collect(Collectors.joining(" or "));
  }

  /** Adds an answer, or adds its description to the operation's own for that status. */
  private static void respondAlso(Operation operation, String status, String description) {
    ApiResponse own =
        operation.getResponses() == null ? null : operation.getResponses().get(status);
    if (own == null) {
      respond(operation, status, description);
    } else {
      own.setDescription(own.getDescription() + " " + description);
    }
  }

  /** Adds an answer unless the operation describes that status itself. */
  private static void respond(Operation operation, String status, String description) {
    if (operation.getResponses() == null) {
      operation.setResponses(new ApiResponses());
    }
    operation.getResponses().putIfAbsent(status, new ApiResponse().description(description));
  }

  /** Every 4xx and 5xx answer has the error body; 429 and 503 say when to try again. */
  private static void errorBodies(Operation operation) {
    if (operation.getResponses() == null) {
      return;
    }
    operation
        .getResponses()
        .forEach(
            (status, response) -> {
              if (!status.startsWith("4") && !status.startsWith("5")) {
                return;
              }
              if (response.getContent() == null || response.getContent().isEmpty()) {
                response.setContent(
                    new Content()
                        .addMediaType(
                            JSON,
                            new MediaType()
                                .schema(
                                    new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA))));
              }
              if ((status.equals("429") || status.equals("503"))
                  && (response.getHeaders() == null
                      || !response.getHeaders().containsKey("Retry-After"))) {
                response.addHeaderObject(
                    "Retry-After",
                    new Header()
                        .description("seconds to wait before trying again")
                        .schema(new IntegerSchema()));
              }
            });
  }

  /** Answers in the order of their status, as a reader looks for them. */
  private static void sortResponses(Operation operation) {
    if (operation.getResponses() != null) {
      ApiResponses sorted = new ApiResponses();
      new TreeMap<>(operation.getResponses()).forEach(sorted::addApiResponse);
      operation.setResponses(sorted);
    }
  }

  private static Map<String, SecurityScheme> securitySchemes() {
    Map<String, SecurityScheme> schemes = new LinkedHashMap<>();
    schemes.put(
        BEARER,
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .bearerFormat("JWT")
            .description(
                "An access token: `access_token` from `POST /auth/login` or `/auth/refresh`,"
                    + " `host_token` from `POST /sessions`, `token` from"
                    + " `POST /sessions/{code}/join`. HS256 JWT with `sub`, `role`, `sid`, `mid`,"
                    + " `exp`, `jti`; it lives minutes (`access_token_ttl_s`)."));
    schemes.put(
        COOKIE,
        new SecurityScheme()
            .type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.COOKIE)
            .name("samesong_access")
            .description(
                "Browser clients: the HttpOnly cookie that login and refresh set. A request that"
                    + " changes state (POST, PUT, PATCH, DELETE) authenticated by it must carry"
                    + " `X-CSRF-Token` equal to the `csrf` cookie (double submit) and to the"
                    + " `csrf_token` that login and refresh answered (bound to that login), else"
                    + " 403 `csrf`. Bearer clients are exempt."));
    schemes.put(
        STREAM_SIGNATURE,
        new SecurityScheme()
            .type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.QUERY)
            .name("sig")
            .description(
                "The signature of a stream URL, always together with its expiry `exp` and, in a"
                    + " session member's URLs, the member `m`: all come in a track's `stream_url`."
                    + " HMAC-SHA256 of the track id, `exp` and `m`; the URL needs no other"
                    + " credential and works until `exp` (`stream_url_ttl_s`), a member's only while"
                    + " the member is not kicked."));
    schemes.put(
        KNOCK_TOKEN,
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .description(
                "The `knock_token` of a knock (from the 202 of `POST /sessions/{code}/join` in"
                    + " `knock` mode): a random secret, not a JWT, that lets its knocker ask how"
                    + " the knock went and, once admitted, collect the guest's tokens."));
    return schemes;
  }

  /** {@code GET /admin/settings}: every runtime setting, read from the settings themselves. */
  private static Schema<?> settingsSchema() {
    ObjectSchema schema = new ObjectSchema();
    schema.description(
        "Every runtime setting by key. In a PATCH, any subset; an unknown key or a bad value is"
            + " refused with 400 naming it, and nothing changes.");
    for (Setting<?> setting : Settings.ALL) {
      Schema<?> property = settingSchema(setting.type());
      property.setDescription(setting.description());
      property.setDefault(setting.defaultValue());
      schema.addProperty(setting.key(), property);
    }
    return schema;
  }

  private static Schema<?> settingSchema(Class<?> type) {
    if (type == Integer.class || type == Long.class) {
      return new IntegerSchema();
    }
    if (type == Double.class) {
      return new NumberSchema();
    }
    if (type == Boolean.class) {
      return new BooleanSchema();
    }
    if (List.class.isAssignableFrom(type)) {
      return new ArraySchema().items(new StringSchema());
    }
    return new StringSchema();
  }

  /** A join's {@code state}: what {@code GET …/playlist} and the playback state show. */
  private static Schema<?> sessionStateSchema() {
    return new ObjectSchema()
        .description("The session's state at the moment of joining.")
        .addProperty("playback", new Schema<>().$ref("#/components/schemas/PlaybackState"))
        .addProperty("playlist", new Schema<>().$ref("#/components/schemas/Playlist"));
  }

  private static Tag tag(String name, String description) {
    return new Tag().name(name).description(description);
  }
}
