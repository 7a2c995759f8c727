import java.nio.file.Files;
import java.nio.file.Path;
import org.samesong.media.AudioFixtures;
import org.samesong.media.AudioFixtures.Tags;

/**
 * Writes a music library for bench/run-scan.sh: {@code count} tagged files of {@code seconds}
 * each, a third each WAV, MP3 and FLAC, 50 to a folder (artist/album layout), with the project's
 * test fixtures (pure Java). Usage: java -cp samesong.jar:samesong-service-tests.jar
 * MakeLibrary.java DIR COUNT SECONDS
 */
public class MakeLibrary {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    long ms = Long.parseLong(args[2]) * 1000;
    for (int i = 0; i < count; i++) {
      Path folder = root.resolve("artist-" + (i / 200)).resolve("album-" + (i / 50));
      Files.createDirectories(folder);
      Tags tags = new Tags("Track " + i, "Artist " + (i / 200), "Album " + (i / 50));
      switch (i % 3) {
        case 0 -> AudioFixtures.wav(folder.resolve(i + ".wav"), ms, tags);
        case 1 -> AudioFixtures.mp3(folder.resolve(i + ".mp3"), ms, tags);
        default -> AudioFixtures.flac(folder.resolve(i + ".flac"), ms, tags);
      }
    }
  }
}
