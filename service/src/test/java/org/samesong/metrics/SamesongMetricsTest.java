package org.samesong.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Scrape;

/** What the recording methods put in the registry, read back through the text format. */
class SamesongMetricsTest {
  private final SamesongMetrics metrics = new SamesongMetrics();

  private Scrape scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, metrics.registry().scrape());
    return Scrape.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void every_known_series_is_there_at_zero_before_anything_happens() throws IOException {
    Scrape scrape = scrape();

    for (String outcome : SamesongMetrics.REQUEST_OUTCOMES) {
      assertThat(scrape.has("samesong_guest_requests_total", "outcome", outcome)).isTrue();
    }
    for (int code : SamesongMetrics.CLOSE_CODES) {
      assertThat(scrape.has("samesong_websocket_closes_total", "code", Integer.toString(code)))
          .isTrue();
    }
    assertThat(scrape.has("samesong_rate_limit_rejections_total", "limiter", "join_ip")).isTrue();
    assertThat(scrape.value("samesong_fanout_latency_seconds_count")).isZero();
  }

  @Test
  void a_close_code_a_client_made_up_counts_as_other_so_clients_cannot_invent_series()
      throws IOException {
    metrics.webSocketClosed(4999);
    metrics.webSocketClosed(3123);
    metrics.webSocketClosed(4429);

    Scrape scrape = scrape();
    assertThat(scrape.value("samesong_websocket_closes_total", "code", "other")).isEqualTo(2);
    assertThat(scrape.value("samesong_websocket_closes_total", "code", "4429")).isEqualTo(1);
    assertThat(scrape.find("samesong_websocket_closes_total"))
        .hasSize(SamesongMetrics.CLOSE_CODES.size() + 1);
  }

  @Test
  void an_unknown_request_outcome_is_ignored() throws IOException {
    metrics.requestOutcome("approved");
    metrics.requestOutcome("exploded");

    Scrape scrape = scrape();
    assertThat(scrape.value("samesong_guest_requests_total", "outcome", "approved")).isEqualTo(1);
    assertThat(scrape.find("samesong_guest_requests_total"))
        .hasSize(SamesongMetrics.REQUEST_OUTCOMES.size());
  }

  @Test
  void drift_is_recorded_in_seconds_without_its_sign_and_a_non_number_is_dropped()
      throws IOException {
    metrics.driftReported(-12.5);
    metrics.driftReported(Double.NaN);
    metrics.driftReported(Double.POSITIVE_INFINITY);

    Scrape scrape = scrape();
    assertThat(scrape.value("samesong_listener_drift_seconds_count")).isEqualTo(1);
    assertThat(scrape.value("samesong_listener_drift_seconds_sum")).isEqualTo(0.0125);
    assertThat(scrape.value("samesong_listener_drift_seconds_bucket", "le", "0.01")).isZero();
    assertThat(scrape.value("samesong_listener_drift_seconds_bucket", "le", "0.02")).isEqualTo(1);
  }

  @Test
  void a_stamp_from_an_instance_whose_clock_is_ahead_counts_as_no_latency_not_a_negative_one()
      throws IOException {
    metrics.handedOver(SamesongMetrics.wallMicros() + 60_000_000L);

    Scrape scrape = scrape();
    assertThat(scrape.value("samesong_fanout_latency_seconds_count")).isEqualTo(1);
    assertThat(scrape.value("samesong_fanout_latency_seconds_sum")).isZero();
    assertThat(scrape.value("samesong_fanout_latency_seconds_bucket", "le", "5.0E-4")).isEqualTo(1);
  }
}
