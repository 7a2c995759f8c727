package org.samesong.security;

import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * Reads state as text to compare before and after a refused request: what the API shows, and row
 * counts of what no endpoint lists (all sessions, all logins).
 */
final class StateReader {
  private final TestServer app;

  StateReader(TestServer app) {
    this.app = app;
  }

  /** What a session's host sees of it: metadata, members, playback, playlist, requests. */
  String session(Host h) {
    String id = h.sessionId();
    return read("sessions/" + id, h.token())
        + read("sessions/" + id + "/playlist", h.token())
        + read("sessions/" + id + "/requests", h.token());
  }

  /** Status and body of a GET. */
  String read(String path, String token) {
    Reply reply = app.get(path, token);
    return reply.status() + " " + reply.body() + "\n";
  }

  /** How many rows a table has. */
  String rows(String table) {
    long n =
        app.database()
            .jdbi()
            .withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    return table + " " + n + "\n";
  }
}
