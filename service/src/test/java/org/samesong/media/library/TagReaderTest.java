package org.samesong.media.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.media.AudioFixtures;
import org.samesong.media.AudioFixtures.Fixture;
import org.samesong.media.AudioFixtures.Tags;

/**
 * Tags, exact lengths and media types of real generated files of every format the library reads.
 */
class TagReaderTest {
  /** Encoders round to their frames; a listener would not notice this much. */
  private static final long TOLERANCE_MS = 3;

  @TempDir Path dir;

  private static void assertReads(Fixture fixture) throws Exception {
    AudioInfo info = TagReader.read(fixture.path());

    assertThat(info.title()).as("title of %s", fixture.path()).isEqualTo(fixture.tags().title());
    assertThat(info.artist()).as("artist").isEqualTo(fixture.tags().artist());
    assertThat(info.album()).as("album").isEqualTo(fixture.tags().album());
    assertThat(info.durationMs())
        .as("duration of %s", fixture.path().getFileName())
        .isCloseTo(fixture.durationMs(), within(TOLERANCE_MS));
    assertThat(info.mediaType()).isEqualTo(fixture.mediaType());
  }

  @Test
  void wav_tags_and_length_are_read() throws Exception {
    assertReads(
        AudioFixtures.wav(dir.resolve("a.wav"), 1_234, new Tags("Wave Title", "Wave Artist", "W")));
  }

  @Test
  void untagged_wav_has_no_title_so_the_catalog_uses_the_file_name() throws Exception {
    AudioInfo info = TagReader.read(AudioFixtures.wav(dir.resolve("b.wav"), 500, Tags.NONE).path());

    assertThat(info.title()).isNull();
    assertThat(info.artist()).isNull();
    assertThat(info.durationMs()).isEqualTo(500);
  }

  @Test
  void pure_java_mp3_tags_and_length_are_read() throws Exception {
    Fixture mp3 =
        AudioFixtures.mp3(dir.resolve("c.mp3"), 2_400, new Tags("Silent Frames", "Layer III", "M"));

    assertThat(mp3.durationMs()).isEqualTo(2_400);
    assertReads(mp3);
  }

  @Test
  void pure_java_flac_tags_and_length_are_read() throws Exception {
    assertReads(
        AudioFixtures.flac(dir.resolve("d.flac"), 2_000, new Tags("Verbatim", "Frames", "F")));
  }

  @Test
  void files_that_are_not_audio_are_refused_with_a_reason() throws IOException {
    for (String name : new String[] {"x.mp3", "x.flac", "x.ogg", "x.opus", "x.m4a", "x.wav"}) {
      Path file = AudioFixtures.corrupt(dir.resolve(name));

      assertThatThrownBy(() -> TagReader.read(file))
          .as(name)
          .isInstanceOf(UnreadableAudioException.class)
          .hasMessageNotContaining("Exception:");
    }
  }

  @Test
  void truncated_files_are_refused() throws Exception {
    Fixture flac = AudioFixtures.flac(dir.resolve("t.flac"), 1_000, new Tags("T", null, null));
    byte[] whole = Files.readAllBytes(flac.path());
    Path cut = dir.resolve("cut.flac");
    Files.write(cut, Arrays.copyOf(whole, 20));
    Path empty = Files.write(dir.resolve("empty.mp3"), new byte[0]);

    assertThatThrownBy(() -> TagReader.read(cut)).isInstanceOf(UnreadableAudioException.class);
    assertThatThrownBy(() -> TagReader.read(empty)).isInstanceOf(UnreadableAudioException.class);
  }

  @Test
  void every_format_encoded_by_ffmpeg_is_read_with_its_exact_length() throws Exception {
    Assumptions.assumeTrue(
        AudioFixtures.ffmpegAvailable(),
        "FFmpeg is not installed: the FFmpeg-encoded formats (MP3 with encoder delay, Ogg Vorbis,"
            + " Opus, M4A) are not generated; install the ffmpeg package to run this test");
    Fixture wav = AudioFixtures.wav(dir.resolve("source.wav"), 2_500, Tags.NONE);
    Tags tags = new Tags("Encoded Title", "Encoded Artist", "Encoded Album");

    for (String name : new String[] {"e.mp3", "e.flac", "e.ogg", "e.opus", "e.m4a"}) {
      assertReads(AudioFixtures.encode(wav, dir.resolve(name), tags, false));
    }
    assertReads(AudioFixtures.encode(wav, dir.resolve("opus-inside.ogg"), tags, true));
  }
}
