package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.samesong.media.url.TestOrigin;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * One request that the API accepts for every endpoint, each on fresh targets (a session to end, a
 * guest to kick, a pending request to decide), as whoever may send it. The security tests start
 * from these and change one thing (the token, a header, a path parameter, the body), so that a
 * refusal can only come from that one thing.
 *
 * <p>An endpoint without an exemplar fails the test that meets it: a new resource must be added
 * here, and is then covered by every security test at once.
 */
final class Exemplars implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A request: method, path under {@code /api} (with the query), bearer token (null: none), JSON
   * body (null: none) and the status it gets.
   *
   * @param values the path parameters it uses, by name, so that a test can replace one
   * @param state reads (without changing anything) the state the call would change, so that a test
   *     can show that a refused call changed nothing
   */
  record Call(
      Endpoint endpoint,
      String path,
      Map<String, String> values,
      String token,
      String body,
      int expected,
      Supplier<String> state) {

    /** The same call with one path parameter replaced by a raw (already encoded) value. */
    Call withParam(String name, String raw) {
      Map<String, String> changed = new LinkedHashMap<>(values);
      changed.put(name, raw);
      String query = path.contains("?") ? path.substring(path.indexOf('?')) : "";
      return new Call(
          endpoint, endpoint.path(changed::get) + query, changed, token, body, expected, state);
    }

    Call withToken(String other) {
      return new Call(endpoint, path, values, other, body, expected, state);
    }

    Call withBody(String other) {
      return new Call(endpoint, path, values, token, other, expected, state);
    }

    Call withQuery(String query) {
      return new Call(endpoint, path + query, values, token, body, expected, state);
    }

    String method() {
      return endpoint.method();
    }

    @Override
    public String toString() {
      return endpoint.method() + " /api" + path;
    }
  }

  private final TestServer app;
  private final SessionFixtures fx;
  private final StateReader state;
  private final String throwawayUser;
  private final String throwawayUserId;
  private TestOrigin origin;

  Exemplars(TestServer app) {
    this.app = app;
    this.fx = SessionFixtures.of(app);
    this.state = new StateReader(app);
    this.throwawayUser = TestServer.uniqueName("plain");
    this.throwawayUserId =
        app.createUser(fx.adminToken(), throwawayUser, password(throwawayUser), null).text("id");
  }

  SessionFixtures fixtures() {
    return fx;
  }

  TestServer app() {
    return app;
  }

  static String password(String user) {
    return user + "-password-Tq8vZw";
  }

  /** A fresh valid call of the endpoint; fails naming the endpoint when none is known. */
  Call valid(Endpoint e) {
    Function<Endpoint, Call> maker = makers().get(e.key());
    assertThat(maker)
        .as(
            "no exemplar for %s: add one to %s so the security tests cover it",
            e, Exemplars.class.getSimpleName())
        .isNotNull();
    return maker.apply(e);
  }

  private Map<String, Function<Endpoint, Call>> makers() {
    Map<String, Function<Endpoint, Call>> m = new LinkedHashMap<>();
    m.put(
        "POST /auth/login",
        e ->
            call(
                e,
                Map.of(),
                null,
                body("username", throwawayUser, "password", password(throwawayUser)),
                200,
                () -> rows("token_families")));
    m.put(
        "POST /auth/refresh",
        e -> {
          Host h = fx.newSession();
          Guest g = guest(h);
          return call(
              e,
              Map.of(),
              null,
              body("refresh_token", g.joined().text("refresh_token")),
              200,
              () -> sessionState(h) + read("sessions/" + h.sessionId(), g.token()));
        });
    m.put(
        "POST /auth/logout",
        e -> {
          Host h = fx.newSession();
          Guest g = guest(h);
          return call(
              e,
              Map.of(),
              g.token(),
              body("refresh_token", g.joined().text("refresh_token")),
              204,
              () -> read("sessions/" + h.sessionId(), g.token()));
        });
    m.put("GET /time", e -> call(e, Map.of(), null, null, 200, () -> ""));
    m.put(
        "GET /openapi.{format: json|yaml}",
        e -> call(e, Map.of("format", "json"), null, null, 200, () -> ""));
    m.put("GET /admin/settings", e -> call(e, Map.of(), fx.adminToken(), null, 200, () -> ""));
    m.put(
        "PATCH /admin/settings",
        e ->
            call(
                e,
                Map.of(),
                fx.adminToken(),
                body("dead_band_ms", 3),
                200,
                () -> read("admin/settings", fx.adminToken())));
    m.put("GET /admin/users", e -> call(e, Map.of(), fx.adminToken(), null, 200, () -> ""));
    m.put(
        "POST /admin/users",
        e -> {
          String name = TestServer.uniqueName("new");
          return call(
              e,
              Map.of(),
              fx.adminToken(),
              body("username", name, "password", password(name), "role", "user"),
              201,
              () -> read("admin/users", fx.adminToken()));
        });
    m.put(
        "PATCH /admin/users/{id}",
        e -> {
          String name = TestServer.uniqueName("patched");
          String id = app.createUser(fx.adminToken(), name, password(name), null).text("id");
          return call(
              e,
              Map.of("id", id),
              fx.adminToken(),
              body("disabled", true),
              200,
              () -> read("admin/users", fx.adminToken()));
        });
    m.put("GET /admin/library", e -> call(e, Map.of(), fx.adminToken(), null, 200, () -> ""));
    m.put(
        "POST /admin/library/scan",
        e ->
            call(
                e,
                Map.of(),
                fx.adminToken(),
                null,
                202,
                () -> read("admin/library", fx.adminToken())));
    m.put(
        "GET /catalog/tracks",
        e ->
            call(e, Map.of(), fx.userToken(), null, 200, () -> "")
                .withQuery("?q=a&limit=5&offset=0"));
    m.put(
        "POST /catalog/tracks",
        e -> {
          allowOrigin();
          String url = origin.url("/song.wav?t=" + TestServer.uniqueName("u"));
          return call(
              e,
              Map.of(),
              fx.userToken(),
              body("url", url),
              201,
              () -> read("catalog/tracks?limit=1000", fx.userToken()));
        });
    m.put(
        "POST /sessions",
        e ->
            call(
                e,
                Map.of(),
                fx.userToken(),
                body("name", TestServer.uniqueName("s")),
                201,
                () -> rows("sessions")));
    m.put(
        "POST /sessions/{code}/join",
        e -> {
          Host h = fx.newSession();
          return call(
              e,
              Map.of("code", h.code()),
              null,
              body("display_name", TestServer.uniqueName("g")),
              200,
              () -> sessionState(h));
        });
    m.put(
        "GET /sessions/{id}",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 200, () -> "");
        });
    m.put(
        "DELETE /sessions/{id}",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 204, () -> sessionState(h));
        });
    m.put(
        "DELETE /sessions/{id}/members/{memberId}",
        e -> {
          Host h = fx.newSession();
          Guest g = guest(h);
          return call(
              e,
              Map.of("id", h.sessionId(), "memberId", g.memberId()),
              h.token(),
              null,
              204,
              () -> sessionState(h));
        });
    m.put(
        "POST /sessions/{id}/playback",
        e -> {
          Host h = fx.newSession();
          fx.addItem(h, fx.track(0));
          return call(
              e,
              Map.of("id", h.sessionId()),
              h.token(),
              body("action", "play"),
              200,
              () -> sessionState(h));
        });
    m.put(
        "GET /sessions/{id}/playlist",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 200, () -> "");
        });
    m.put(
        "POST /sessions/{id}/playlist",
        e -> {
          Host h = fx.newSession();
          return call(
              e,
              Map.of("id", h.sessionId()),
              h.token(),
              body("track_id", fx.track(0).id()),
              201,
              () -> sessionState(h));
        });
    m.put(
        "PATCH /sessions/{id}/playlist/{itemId}",
        e -> {
          Host h = fx.newSession();
          List<String> items = fx.addItems(h, 2);
          return call(
              e,
              Map.of("id", h.sessionId(), "itemId", items.get(1)),
              h.token(),
              body("position", 0),
              200,
              () -> sessionState(h));
        });
    m.put(
        "DELETE /sessions/{id}/playlist/{itemId}",
        e -> {
          Host h = fx.newSession();
          String item = fx.addItem(h, fx.track(0));
          return call(
              e,
              Map.of("id", h.sessionId(), "itemId", item),
              h.token(),
              null,
              204,
              () -> sessionState(h));
        });
    m.put(
        "GET /sessions/{id}/requests",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 200, () -> "");
        });
    m.put(
        "POST /sessions/{id}/requests",
        e -> {
          Host h = fx.newSession();
          Guest g = guest(h);
          return call(
              e,
              Map.of("id", g.sessionId()),
              g.token(),
              body("action", "add", "track_id", fx.track(0).id()),
              201,
              () -> sessionState(h));
        });
    m.put(
        "POST /requests/{id}/approve",
        e -> {
          Pending p = pending();
          return call(
              e,
              Map.of("id", p.requestId()),
              p.host().token(),
              null,
              200,
              () -> sessionState(p.host()));
        });
    m.put(
        "POST /requests/{id}/deny",
        e -> {
          Pending p = pending();
          return call(
              e,
              Map.of("id", p.requestId()),
              p.host().token(),
              body("reason", "not now"),
              200,
              () -> sessionState(p.host()));
        });
    m.put(
        "DELETE /requests/{id}",
        e -> {
          Pending p = pending();
          return call(
              e,
              Map.of("id", p.requestId()),
              p.guest().token(),
              null,
              200,
              () -> sessionState(p.host()));
        });
    m.put(
        "PATCH /sessions/{id}/members/{memberId}",
        e -> {
          Host h = fx.newSession();
          Guest g = guest(h);
          return call(
              e,
              Map.of("id", h.sessionId(), "memberId", g.memberId()),
              h.token(),
              body("permissions", Map.of("control_playback", true)),
              200,
              () -> sessionState(h));
        });
    m.put(
        "POST /sessions/{id}/host",
        e -> {
          Host h = fx.newSession();
          Guest co = cohost(h);
          return call(
              e,
              Map.of("id", h.sessionId()),
              h.token(),
              body("member_id", co.memberId()),
              200,
              () -> read("sessions/" + h.sessionId(), co.token()));
        });
    m.put(
        "POST /sessions/{id}/invite",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 200, () -> sessionState(h));
        });
    m.put(
        "PATCH /sessions/{id}",
        e -> {
          Host h = fx.newSession();
          return call(
              e,
              Map.of("id", h.sessionId()),
              h.token(),
              body("join_mode", "knock"),
              200,
              () -> sessionState(h));
        });
    m.put(
        "GET /knocks/{id}",
        e -> {
          Knock k = knock();
          return call(e, Map.of("id", k.knockId()), k.knockToken(), null, 200, () -> "");
        });
    m.put(
        "POST /knocks/{id}/admit",
        e -> {
          Knock k = knock();
          return call(
              e,
              Map.of("id", k.knockId()),
              k.host().token(),
              null,
              200,
              () -> sessionState(k.host()) + knockRow(k.knockId()));
        });
    m.put(
        "POST /knocks/{id}/refuse",
        e -> {
          Knock k = knock();
          return call(
              e,
              Map.of("id", k.knockId()),
              k.host().token(),
              null,
              200,
              () -> sessionState(k.host()) + knockRow(k.knockId()));
        });
    m.put(
        "GET /sessions/{id}/requests/export",
        e -> {
          Pending p = pending();
          return call(e, Map.of("id", p.host().sessionId()), p.host().token(), null, 200, () -> "")
              .withQuery("?format=csv");
        });
    m.put(
        "POST /sessions/{id}/integration-tokens",
        e -> {
          Host h = fx.newSession();
          return call(
              e,
              Map.of("id", h.sessionId()),
              h.token(),
              body("name", "overlay"),
              201,
              () -> read("sessions/" + h.sessionId() + "/integration-tokens", h.token()));
        });
    m.put(
        "GET /sessions/{id}/integration-tokens",
        e -> {
          Host h = fx.newSession();
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 200, () -> "");
        });
    m.put(
        "DELETE /sessions/{id}/integration-tokens/{tokenId}",
        e -> {
          Host h = fx.newSession();
          String token =
              app.post(
                      "sessions/" + h.sessionId() + "/integration-tokens",
                      Map.of("name", "bot"),
                      h.token())
                  .text("id");
          return call(
              e,
              Map.of("id", h.sessionId(), "tokenId", token),
              h.token(),
              null,
              204,
              () -> read("sessions/" + h.sessionId() + "/integration-tokens", h.token()));
        });
    // a live stream never ends; an ended session's answers at once (204: EventSource stops), after
    // the same authentication and authorisation as a live one
    m.put(
        "GET /sessions/{id}/events",
        e -> {
          Host h = fx.newSession();
          app.delete("sessions/" + h.sessionId(), h.token());
          return call(e, Map.of("id", h.sessionId()), h.token(), null, 204, () -> "");
        });
    m.put("GET /admin/webhooks", e -> call(e, Map.of(), fx.adminToken(), null, 200, () -> ""));
    m.put(
        "POST /admin/webhooks/rotate-secret",
        e ->
            call(
                e,
                Map.of(),
                fx.adminToken(),
                null,
                200,
                () -> read("admin/webhooks", fx.adminToken())));
    m.put(
        "POST /admin/webhooks/test", e -> call(e, Map.of(), fx.adminToken(), null, 202, () -> ""));
    m.put("GET /tracks/{id}/stream", this::stream);
    m.put("HEAD /tracks/{id}/stream", this::stream);
    return m;
  }

  private String sessionState(Host h) {
    return state.session(h);
  }

  private String read(String path, String token) {
    return state.read(path, token);
  }

  private String rows(String table) {
    return state.rows(table);
  }

  /** A guest's pending request in a session of its own. */
  record Pending(Host host, Guest guest, String requestId) {}

  Pending pending() {
    Host h = fx.newSession();
    Guest g = guest(h);
    return new Pending(h, g, fx.requestAdd(g, fx.track(0)));
  }

  Guest guest(Host h) {
    return fx.guest(h);
  }

  /** A guest of {@code h} made a co-host. */
  Guest cohost(Host h) {
    Guest g = fx.guest(h);
    Reply made =
        app.patch(
            "sessions/" + h.sessionId() + "/members/" + g.memberId(),
            Map.of("role", "cohost"),
            h.token());
    assertThat(made.status()).as("%s", made).isEqualTo(200);
    return g;
  }

  /** A knock waiting at a session of its own in {@code knock} mode. */
  record Knock(Host host, String knockId, String knockToken) {}

  Knock knock() {
    Host h = fx.newSession();
    Reply mode = app.patch("sessions/" + h.sessionId(), Map.of("join_mode", "knock"), h.token());
    assertThat(mode.status()).as("%s", mode).isEqualTo(200);
    Reply knocked = fx.join(h.code(), TestServer.uniqueName("k"));
    assertThat(knocked.status()).as("%s", knocked).isEqualTo(202);
    return new Knock(h, knocked.text("knock_id"), knocked.text("knock_token"));
  }

  /** A knock's row as the database holds it (no endpoint lists knocks but to their knocker). */
  private String knockRow(String knockId) {
    return app.database()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT status, member_id FROM knocks WHERE id = :id")
                        .bind("id", knockId)
                        .mapToMap()
                        .findOne()
                        .map(Object::toString)
                        .orElse("none"))
        + "\n";
  }

  private Call stream(Endpoint e) {
    Reply tracks = app.get("catalog/tracks?limit=1", fx.userToken());
    String url = tracks.json().at("/items/0/stream_url").asText();
    URI uri = URI.create(url);
    String id = uri.getPath().split("/")[uri.getPath().split("/").length - 2];
    return new Call(
        e,
        e.path(Map.of("id", id)::get) + "?" + uri.getRawQuery(),
        Map.of("id", id),
        null,
        null,
        200,
        () -> "");
  }

  private synchronized void allowOrigin() {
    if (origin == null) {
      origin = TestOrigin.start();
      fx.settings(Map.of("allow_private_urls", true));
    }
  }

  private static Call call(
      Endpoint e,
      Map<String, String> values,
      String token,
      String body,
      int expected,
      Supplier<String> state) {
    return new Call(e, e.path(values::get), Map.copyOf(values), token, body, expected, state);
  }

  static String body(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException(ex);
    }
  }

  @Override
  public void close() {
    if (origin != null) {
      origin.close();
      fx.settings(Map.of("allow_private_urls", false));
    }
  }
}
