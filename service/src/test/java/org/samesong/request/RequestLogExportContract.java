package org.samesong.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * The request log as a file ({@code GET /api/sessions/{id}/requests/export}): the CSV, parsed back
 * with a CSV library, and the JSON say exactly what the request log says, names and notes with
 * quotes, commas, line breaks and non-Latin letters included; the host, co-hosts and admins may
 * export, nobody else. Run on H2 by {@link RequestLogExportIT} and on PostgreSQL by {@link
 * RequestLogExportPostgresIT}.
 */
abstract class RequestLogExportContract {
  abstract TestServer app();

  private SessionFixtures fx;
  private Host host;
  private Guest zoe;
  private Guest li;

  @BeforeEach
  void story() {
    fx = SessionFixtures.of(app());
    host = fx.newSession();
    zoe = fx.join(host, "Zoë \"DJ, Zed\" Ørsted");
    li = fx.join(host, "李小龍 Дмитрий");
    String item = fx.addItem(host, fx.track(0));
    fx.addItem(host, fx.track(1));
    Reply add =
        fx.fileRequest(
            zoe,
            Map.of(
                "action", "add",
                "track_id", fx.track(1).id(),
                "note", "for \"Ana\", please,\nsecond line; ünïcödé ✓"));
    assertThat(fx.approve(add.text("request_id"), host.token()).status()).isEqualTo(200);
    tick();
    Reply remove = fx.fileRequest(li, Map.of("action", "remove", "item_id", item, "note", "太慢了"));
    assertThat(
            fx.deny(remove.text("request_id"), host.token(), "no, \"never\",\r\nit stays").status())
        .isEqualTo(200);
    tick();
    fx.requestMove(zoe, item, 1);
    tick();
    String cancelled = fx.requestAdd(li, fx.track(0));
    assertThat(app().delete("requests/" + cancelled, li.token()).status()).isEqualTo(200);
  }

  /** Requests a second apart, so the log's order (by time) is the order they were made in. */
  private void tick() {
    app().clock().advance(java.time.Duration.ofSeconds(1));
  }

  @Test
  void csv_parsed_back_is_the_request_log_exactly() throws Exception {
    Reply reply = app().get(exportPath("csv"), host.token());
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("text/csv");
    assertThat(reply.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"requests-" + host.sessionId() + ".csv\"");

    List<CSVRecord> records =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(reply.body()))
            .getRecords();
    JsonNode log = fx.requests(host.sessionId(), host.token(), null);
    assertThat(records).hasSize(log.size()).hasSize(4);
    Map<String, String> titles = titles();
    for (int i = 0; i < log.size(); i++) {
      JsonNode expected = log.get(i);
      CSVRecord row = records.get(i);
      assertThat(row.get("id")).isEqualTo(expected.path("request_id").asText());
      assertThat(row.get("action")).isEqualTo(expected.path("action").asText());
      assertThat(row.get("status")).isEqualTo(expected.path("status").asText());
      assertThat(row.get("requested_by")).isEqualTo(expected.path("requested_by_name").asText());
      assertThat(row.get("note")).isEqualTo(expected.path("note").asText(""));
      assertThat(row.get("reason")).isEqualTo(expected.path("reason").asText(""));
      assertThat(row.get("track_id")).isEqualTo(expected.at("/payload/track_id").asText(""));
      assertThat(row.get("track_title"))
          .isEqualTo(titles.getOrDefault(expected.at("/payload/track_id").asText(), ""));
      assertThat(row.get("item_id")).isEqualTo(expected.at("/payload/item_id").asText(""));
      assertThat(row.get("created_at")).isEqualTo(iso(expected.path("created_at").asLong()));
      assertThat(row.get("decided_at"))
          .isEqualTo(
              expected.path("decided_at").isNumber()
                  ? iso(expected.path("decided_at").asLong())
                  : "");
    }
    // the tricky values themselves, as typed
    assertThat(records.get(0).get("requested_by")).isEqualTo("Zoë \"DJ, Zed\" Ørsted");
    assertThat(records.get(0).get("note"))
        .isEqualTo("for \"Ana\", please,\nsecond line; ünïcödé ✓");
    assertThat(records.get(0).get("decided_by")).isEqualTo(hostName());
    assertThat(records.get(1).get("requested_by")).isEqualTo("李小龍 Дмитрий");
    assertThat(records.get(1).get("note")).isEqualTo("太慢了");
    assertThat(records.get(1).get("reason")).isEqualTo("no, \"never\",\r\nit stays");
    assertThat(records.get(2).get("status")).isEqualTo("pending");
    assertThat(records.get(2).get("decided_by")).isEmpty();
    assertThat(records.get(2).get("position")).isEqualTo("1");
    assertThat(records.get(3).get("status")).isEqualTo("cancelled");
    assertThat(records.get(3).get("decided_by")).isEqualTo("李小龍 Дмитрий");
  }

  @Test
  void json_is_the_same_log() {
    Reply reply = app().get(exportPath("json"), host.token());
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    assertThat(reply.header("Content-Disposition")).contains("attachment");
    JsonNode lines = reply.json().path("requests");
    JsonNode log = fx.requests(host.sessionId(), host.token(), null);
    assertThat(lines.size()).isEqualTo(log.size());
    for (int i = 0; i < log.size(); i++) {
      assertThat(lines.get(i).path("id").asText())
          .isEqualTo(log.get(i).path("request_id").asText());
      assertThat(lines.get(i).path("requested_by").asText())
          .isEqualTo(log.get(i).path("requested_by_name").asText());
      assertThat(lines.get(i).path("note").asText(null))
          .isEqualTo(log.get(i).path("note").asText(null));
      assertThat(lines.get(i).path("status").asText())
          .isEqualTo(log.get(i).path("status").asText());
    }
    assertThat(lines.get(1).path("reason").asText()).isEqualTo("no, \"never\",\r\nit stays");
    assertThat(lines.get(0).path("track_title").asText()).isEqualTo(fx.track(1).title());
  }

  @Test
  void an_admin_exports_any_session_and_nobody_else_does() {
    assertThat(app().get(exportPath("csv"), fx.adminToken()).status()).isEqualTo(200);
    assertThat(app().get(exportPath("csv"), zoe.token()).status()).isEqualTo(403);
    assertThat(app().get(exportPath("csv"), fx.newSession().token()).status()).isEqualTo(403);
    assertThat(app().get(exportPath("csv"), fx.userToken()).status()).isEqualTo(403);
    assertThat(app().get(exportPath("csv"), null).status()).isEqualTo(401);
  }

  @Test
  void a_cohost_exports_too_but_not_a_guest_who_decides_requests() {
    Guest co = fx.guest(host);
    Guest decider = fx.guest(host);
    assertThat(member(co, Map.of("role", "cohost")).status()).isEqualTo(200);
    assertThat(member(decider, Map.of("permissions", Map.of("decide_requests", true))).status())
        .isEqualTo(200);

    Reply byCohost = app().get(exportPath("csv"), co.token());
    assertThat(byCohost.status()).isEqualTo(200);
    assertThat(byCohost.body()).isEqualTo(app().get(exportPath("csv"), host.token()).body());
    assertThat(app().get(exportPath("json"), decider.token()).status()).isEqualTo(403);
  }

  @Test
  void an_add_applied_by_auto_approve_is_logged_as_decided_by_auto() {
    Guest trusted = fx.guest(host);
    assertThat(member(trusted, Map.of("permissions", Map.of("auto_approve", true))).status())
        .isEqualTo(200);
    tick();
    fx.requestAdd(trusted, fx.track(0));

    JsonNode last = app().get(exportPath("json"), host.token()).json().path("requests");
    JsonNode line = last.get(last.size() - 1);
    assertThat(line.path("status").asText()).isEqualTo("approved");
    assertThat(line.path("decided_by").asText()).isEqualTo("auto");
  }

  private Reply member(Guest g, Map<String, Object> patch) {
    return app()
        .patch("sessions/" + host.sessionId() + "/members/" + g.memberId(), patch, host.token());
  }

  @Test
  void a_bad_format_or_an_unknown_session_is_refused_clearly() {
    Reply bad = app().get(exportPath("xlsx"), host.token());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().at("/error/field").asText()).isEqualTo("format");
    Reply unknown =
        app().get("sessions/" + SessionFixtures.unknownId() + "/requests/export", fx.adminToken());
    assertThat(unknown.status()).isEqualTo(404);
  }

  /** ISO-8601 in UTC, always with milliseconds (what a spreadsheet sorts right). */
  private static String iso(long epochMs) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(epochMs));
  }

  private String exportPath(String format) {
    return "sessions/" + host.sessionId() + "/requests/export?format=" + format;
  }

  private String hostName() {
    for (JsonNode m : fx.session(host).path("members")) {
      if (m.path("member_id").asText().equals(host.memberId())) {
        return m.path("display_name").asText();
      }
    }
    throw new AssertionError("the host is not among the members");
  }

  private Map<String, String> titles() {
    Map<String, String> titles = new HashMap<>();
    fx.tracks().forEach(t -> titles.put(t.id(), t.title()));
    return titles;
  }
}
