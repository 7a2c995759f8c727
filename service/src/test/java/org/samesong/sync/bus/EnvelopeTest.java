package org.samesong.sync.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.samesong.metrics.SamesongMetrics;

/** Envelopes as the Redis bus carries them between instances. */
class EnvelopeTest {
  private final ObjectMapper mapper = Jackson.newObjectMapper();

  @Test
  void an_envelope_keeps_its_creation_time_through_the_bus_json() throws Exception {
    Envelope sent =
        new Envelope(
            Envelope.DELIVER, "s-1", 7, Envelope.EVERYONE, Set.of("m-1"), "{\"seq\":7}", null);

    Envelope received = mapper.readValue(mapper.writeValueAsString(sent), Envelope.class);

    // the receiving instance measures the fan-out from the sender's stamp, not from its own
    assertThat(received).isEqualTo(sent);
    assertThat(received.createdMicros()).isEqualTo(sent.createdMicros());
  }

  @Test
  void an_envelope_is_stamped_with_the_wall_clock_when_created_and_keeps_it_when_numbered() {
    long before = SamesongMetrics.wallMicros();
    Envelope e = Envelope.toAll("s-1", 123456, "{\"seq\":123456}");
    long after = SamesongMetrics.wallMicros();

    assertThat(e.createdMicros()).isBetween(before, after);
    Envelope numbered = e.numbered(9, 123456);
    assertThat(numbered.json()).isEqualTo("{\"seq\":9}");
    assertThat(numbered.createdMicros()).isEqualTo(e.createdMicros());
  }
}
