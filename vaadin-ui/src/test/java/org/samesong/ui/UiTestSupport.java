package org.samesong.ui;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.fakeservlet.FakeResponse;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.mock.MockVaadinServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.function.DeploymentConfiguration;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinServletResponse;
import io.dropwizard.jackson.Jackson;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samesong.app.Services;
import org.samesong.auth.TokenService;
import org.samesong.media.Ffmpeg;
import org.samesong.media.stream.StreamSigner;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.ui.shell.UiServices;

/**
 * Runs the real views in Karibu's mock Vaadin, on the real services over a fresh, migrated H2
 * database: no browser, no mocks of our own code.
 */
public final class UiTestSupport implements AutoCloseable {
  private static final Routes ROUTES = new Routes().autoDiscoverViews("org.samesong.ui");

  public final MutableClock clock = new MutableClock();
  public final TestDatabase db = TestDatabase.h2();
  public final Services services =
      Services.wire(
          db.jdbi(),
          Jackson.newObjectMapper(),
          clock,
          new TokenService(TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), clock),
          StreamSigner.derivedFrom(TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), clock),
          Services::inProcessBus,
          null,
          Map.of(),
          Map.of(),
          Ffmpeg.absent(),
          null,
          new SamesongMetrics());

  public UiTestSupport() {
    setUpVaadin();
  }

  private void setUpVaadin() {
    MockVaadin.setup(
        UI::new,
        new MockVaadinServlet(ROUTES) {
          @Override
          protected DeploymentConfiguration createDeploymentConfiguration()
              throws ServletException {
            getServletContext().setAttribute(UiServices.ATTRIBUTE, services);
            return super.createDeploymentConfiguration();
          }
        });
  }

  /**
   * The server forgets this browser, as a restart does (web sessions live in memory), while the
   * browser keeps its cookies: a new Vaadin session whose requests carry the cookies that the
   * responses so far left in the browser.
   */
  public void forgetBrowserSessionKeepingCookies() {
    Map<String, Cookie> kept = new LinkedHashMap<>();
    for (Cookie cookie : fakeResponse().getCookies()) {
      if (cookie.getMaxAge() == 0) {
        kept.remove(cookie.getName());
      } else {
        kept.put(cookie.getName(), cookie);
      }
    }
    MockVaadin.tearDown();
    setUpVaadin();
    kept.values().forEach(this::sendCookie);
  }

  /** The last cookie of that name the responses set (a clearing one has max age 0), if any. */
  public java.util.Optional<Cookie> lastSetCookie(String name) {
    Cookie last = null;
    for (Cookie cookie : fakeResponse().getCookies()) {
      if (cookie.getName().equals(name)) {
        last = cookie;
      }
    }
    return java.util.Optional.ofNullable(last);
  }

  /** A cookie the browser sends from now on, instead of the one it had of that name, if any. */
  public void sendCookie(Cookie cookie) {
    FakeRequest request =
        (FakeRequest) ((VaadinServletRequest) VaadinRequest.getCurrent()).getRequest();
    Cookie[] had = request.getCookiesInt();
    List<Cookie> cookies = new ArrayList<>();
    if (had != null) {
      for (Cookie c : had) {
        if (!c.getName().equals(cookie.getName())) {
          cookies.add(c);
        }
      }
    }
    cookies.add(cookie);
    request.setCookiesInt(cookies.toArray(Cookie[]::new));
  }

  private static FakeResponse fakeResponse() {
    return (FakeResponse) ((VaadinServletResponse) VaadinResponse.getCurrent()).getResponse();
  }

  /**
   * Decides a request straight in the database, as another instance of a cluster does while Redis
   * is away: its broadcast never reaches this one.
   */
  public void decideUnheard(String requestId, String status, String reason) {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.PreparedStatement update =
            c.prepareStatement(
                "UPDATE requests SET status = ?, reason = ?, decided_at = ? WHERE id = ?")) {
      update.setString(1, status);
      update.setString(2, reason);
      update.setLong(3, clock.millis());
      update.setString(4, requestId);
      if (update.executeUpdate() != 1) {
        throw new AssertionError("no request " + requestId);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Seats {@code count} guests named {@code prefix} and a number straight in the database, without
   * a broadcast: a big room as a view finds it when it opens.
   *
   * @return their member ids, in the order of their names
   */
  public List<String> addGuestsUnheard(String sessionId, int count, String prefix) {
    List<String> ids = new ArrayList<>();
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO members (id, session_id, display_name, role, joined_at)"
                    + " VALUES (?, ?, ?, 'guest', ?)")) {
      for (int i = 1; i <= count; i++) {
        String id = java.util.UUID.randomUUID().toString();
        insert.setString(1, id);
        insert.setString(2, sessionId);
        insert.setString(3, String.format(java.util.Locale.ROOT, "%s %04d", prefix, i));
        insert.setLong(4, clock.millis() + i);
        insert.addBatch();
        ids.add(id);
      }
      insert.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  /**
   * Runs the UI's live updates until {@code condition} holds (at most 5 s): member updates are
   * coalesced and sent from a thread of their own, a moment after the change.
   */
  public void awaitLive(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (true) {
      roundtrip();
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not seen within 5 s: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Hands the session's views a broadcast as the event bus would, and runs their updates. */
  public void broadcast(String sessionId, String json) {
    services.hub().deliver(org.samesong.sync.bus.Envelope.toAll(sessionId, 0, json));
    roundtrip();
  }

  public void navigate(String location) {
    UI.getCurrent().navigate(location);
  }

  /** Signs the browser in as this account, as the login screen does. */
  public void signIn(org.samesong.user.User user) {
    org.samesong.ui.shell.CurrentUser.set(user);
  }

  /** Runs the work other threads handed to the UI (live updates), as a browser round trip would. */
  public void roundtrip() {
    MockVaadin.clientRoundtrip();
  }

  /**
   * Views opened from now on run their live updates on {@code updates} (the real UI has threads of
   * its own for them; a test without this runs them on the delivering thread).
   */
  public void runLiveUpdatesOn(java.util.concurrent.Executor updates) {
    com.vaadin.flow.server.VaadinServlet.getCurrent()
        .getServletContext()
        .setAttribute(UiServices.UPDATES_ATTRIBUTE, updates);
  }

  /**
   * The button labelled {@code text} in the {@code actions} column of a grid's row: action buttons
   * live in component columns, which Karibu renders on demand.
   */
  public static com.vaadin.flow.component.button.Button rowButton(
      com.vaadin.flow.component.grid.Grid<?> grid, int row, String text) {
    com.vaadin.flow.component.Component cell =
        com.github.mvysny.kaributesting.v10.GridKt._getCellComponent(grid, row, "actions");
    return findButton(cell, text)
        .orElseThrow(
            () ->
                new AssertionError("no button " + text + " in row " + row + " of " + grid.getId()));
  }

  /** A name such as "Remove Alpha Song" answers to "Remove": row buttons name their row. */
  private static boolean named(String label, String text) {
    return label != null && (label.equals(text) || label.startsWith(text + " "));
  }

  private static java.util.Optional<com.vaadin.flow.component.button.Button> findButton(
      com.vaadin.flow.component.Component c, String text) {
    // by its text, or by the name a screen reader gives it (icon-like buttons)
    if (c instanceof com.vaadin.flow.component.button.Button b
        && (text.equals(b.getText()) || named(b.getElement().getAttribute("aria-label"), text))) {
      return java.util.Optional.of(b);
    }
    return c.getChildren()
        .map(child -> findButton(child, text))
        .flatMap(java.util.Optional::stream)
        .findFirst();
  }

  @Override
  public void close() {
    MockVaadin.tearDown();
    db.close();
  }
}
