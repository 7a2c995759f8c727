package org.samesong.media.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samesong.catalog.Track;
import org.samesong.media.AudioFixtures;
import org.samesong.media.AudioFixtures.Tags;

class CoverArtTest {
  @TempDir Path music;

  private static Track library(String id, Path file) {
    return new Track(id, "Song", "Band", null, 1000, Track.LIBRARY, "audio/mpeg", file.toString());
  }

  @Test
  void an_embedded_cover_is_read_from_mp3_and_flac_with_its_type_told_by_its_bytes() {
    byte[] red = AudioFixtures.png(0xff0000);
    Path mp3 = AudioFixtures.mp3(music.resolve("a.mp3"), 500, new Tags("A", "B", "C")).path();
    AudioFixtures.embedCover(mp3, red, "image/jpeg"); // misnamed by the tagger
    Path flac = AudioFixtures.flac(music.resolve("b.flac"), 500, new Tags("A", "B", "C")).path();
    AudioFixtures.embedCover(flac, red, "image/png");

    for (Path file : new Path[] {mp3, flac}) {
      CoverArt.Picture picture =
          CoverArt.of(library("t-" + file.getFileName(), file)).orElseThrow();
      assertThat(picture.data()).isEqualTo(red);
      assertThat(picture.mediaType()).isEqualTo("image/png");
    }
  }

  @Test
  void no_cover_for_a_file_without_one_a_url_track_or_a_missing_file() {
    Path plain = AudioFixtures.mp3(music.resolve("c.mp3"), 500, new Tags("A", "B", "C")).path();
    assertThat(CoverArt.of(library("plain", plain))).isEmpty();
    assertThat(
            CoverArt.of(
                new Track("u", "U", null, null, 1, Track.URL, "audio/mpeg", "http://x/a.mp3")))
        .isEmpty();
    assertThat(CoverArt.of(library("gone", music.resolve("gone.mp3")))).isEmpty();
    assertThat(CoverArt.of(null)).isEmpty();
  }

  @Test
  void a_file_that_changed_is_read_again() throws Exception {
    Path file = AudioFixtures.mp3(music.resolve("d.mp3"), 500, new Tags("A", "B", "C")).path();
    Track track = library("changing", file);
    assertThat(CoverArt.of(track)).isEmpty();

    byte[] blue = AudioFixtures.png(0x0000ff);
    AudioFixtures.embedCover(file, blue, "image/png");
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    assertThat(CoverArt.of(track)).map(CoverArt.Picture::data).contains(blue);
  }
}
