package org.samesong.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MinutesSecondsTest {
  @ParameterizedTest
  @CsvSource({
    "1:23, 83000",
    "83, 83000",
    "0:05, 5000",
    "01:02, 62000",
    "90:00, 5400000",
    "1:02:03, 3723000",
    "' 2:30 ', 150000",
    "12.5, 12500",
    "1:23.25, 83250"
  })
  void reads_what_people_type(String typed, long millis) {
    assertThat(MinutesSeconds.parse(typed)).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1:75", "1:60", "", "  ", "abc", "1:2:3:4", "-5", "1:", ":30", "1:61:00"})
  void refuses_what_is_not_a_time(String typed) {
    assertThatThrownBy(() -> MinutesSeconds.parse(typed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("Exception");
  }

  @ParameterizedTest
  @CsvSource({"0, 0:00", "83000, 1:23", "3723000, 1:02:03", "-5, 0:00", "59999, 0:59"})
  void formats_positions(long millis, String text) {
    assertThat(MinutesSeconds.format(millis)).isEqualTo(text);
  }
}
