package org.samesong.media.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samesong.media.stream.ByteRanges.Part;
import org.samesong.media.stream.ByteRanges.Unsatisfiable;
import org.samesong.media.stream.ByteRanges.Whole;

/** The Range header as RFC 9110 defines it, against a 1000-byte representation. */
class ByteRangesTest {
  private static final long LENGTH = 1000;

  @Test
  void no_header_means_the_whole_body() {
    assertThat(ByteRanges.parse(null, LENGTH)).isEqualTo(new Whole());
  }

  @Test
  void a_closed_range_is_that_part() {
    assertThat(ByteRanges.parse("bytes=0-99", LENGTH)).isEqualTo(new Part(0, 99));
    assertThat(ByteRanges.parse("bytes=500-500", LENGTH)).isEqualTo(new Part(500, 500));
    assertThat(ByteRanges.parse(" Bytes = 10 - 19 ", LENGTH)).isEqualTo(new Part(10, 19));
  }

  @Test
  void a_range_past_the_end_is_cut_at_the_end() {
    assertThat(ByteRanges.parse("bytes=900-5000", LENGTH)).isEqualTo(new Part(900, 999));
    assertThat(ByteRanges.parse("bytes=0-99999999999999999999999", LENGTH))
        .isEqualTo(new Part(0, 999));
  }

  @Test
  void an_open_range_runs_to_the_end() {
    assertThat(ByteRanges.parse("bytes=0-", LENGTH)).isEqualTo(new Part(0, 999));
    assertThat(ByteRanges.parse("bytes=999-", LENGTH)).isEqualTo(new Part(999, 999));
  }

  @Test
  void a_suffix_range_is_the_last_bytes() {
    assertThat(ByteRanges.parse("bytes=-100", LENGTH)).isEqualTo(new Part(900, 999));
    assertThat(ByteRanges.parse("bytes=-5000", LENGTH)).isEqualTo(new Part(0, 999));
  }

  @Test
  void a_range_starting_at_or_past_the_end_cannot_be_satisfied() {
    assertThat(ByteRanges.parse("bytes=1000-", LENGTH)).isEqualTo(new Unsatisfiable());
    assertThat(ByteRanges.parse("bytes=1000-2000", LENGTH)).isEqualTo(new Unsatisfiable());
    assertThat(ByteRanges.parse("bytes=99999999999999999999-", LENGTH))
        .isEqualTo(new Unsatisfiable());
    assertThat(ByteRanges.parse("bytes=-0", LENGTH)).isEqualTo(new Unsatisfiable());
    assertThat(ByteRanges.parse("bytes=0-", 0)).isEqualTo(new Unsatisfiable());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bytes=0-99,200-299",
        "bytes=0-0, -1",
        "bytes=,",
        "bytes=5-1",
        "bytes=a-b",
        "bytes=-",
        "bytes=1",
        "bytes=",
        "items=0-10",
        "0-10",
        "bytes=+1-2",
        "bytes=-+5",
        "bytes=0x10-20"
      })
  void multiple_or_malformed_ranges_are_ignored_and_served_whole(String header) {
    assertThat(ByteRanges.parse(header, LENGTH)).isEqualTo(new Whole());
  }

  @Test
  void content_range_names_first_last_and_total() {
    assertThat(new Part(900, 999).contentRange(LENGTH)).isEqualTo("bytes 900-999/1000");
    assertThat(new Part(900, 999).length()).isEqualTo(100);
  }
}
