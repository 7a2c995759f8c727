package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link LogScrubbing#scrub} takes out of a log line, and what it leaves. */
class LogScrubbingTest {
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  @Test
  void tokens_anywhere_are_redacted() {
    assertThat(LogScrubbing.scrub("GET /ws/sessions/abc?token=" + JWT + " HTTP/1.1"))
        .isEqualTo("GET /ws/sessions/abc?token=[redacted] HTTP/1.1");
    assertThat(LogScrubbing.scrub("Authorization: Bearer " + JWT))
        .isEqualTo("Authorization: Bearer [redacted]");
    assertThat(LogScrubbing.scrub("a bare " + JWT + " in text"))
        .isEqualTo("a bare [redacted] in text");
  }

  @Test
  void stream_signatures_cookies_and_csrf_headers_are_redacted() {
    assertThat(LogScrubbing.scrub("/api/tracks/t1/stream?exp=1765000000&mid=m1&sig=AbC-_12xyz"))
        .isEqualTo("/api/tracks/t1/stream?exp=1765000000&mid=m1&sig=[redacted]");
    assertThat(LogScrubbing.scrub("Cookie: samesong_access=abc.def.ghi; csrf=q1w2e3; theme=dark"))
        .isEqualTo("Cookie: samesong_access=[redacted]; csrf=[redacted]; theme=dark");
    assertThat(LogScrubbing.scrub("X-CSRF-Token: q1w2e3r4")).isEqualTo("X-CSRF-Token: [redacted]");
  }

  @Test
  void json_credential_fields_are_redacted() {
    assertThat(
            LogScrubbing.scrub(
                "{\"username\":\"alice\",\"password\":\"hunter2 \\\"x\\\"\",\"refresh_token\":\"r\"}"))
        .isEqualTo(
            "{\"username\":\"alice\",\"password\":\"[redacted]\",\"refresh_token\":\"[redacted]\"}");
  }

  @Test
  void ordinary_lines_are_left_as_they_are() {
    String line = "session 6f1c joined by member 9a2e (Lou); tokens revoked: 2; exp=1765";
    assertThat(LogScrubbing.scrub(line)).isEqualTo(line);
    assertThat(LogScrubbing.scrub(null)).isNull();
  }
}
