package org.samesong.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QrCodeTest {
  private static final String LINK = "https://music.example.org/join/K7PQ2M";

  @Test
  void the_drawn_code_reads_back_as_the_join_link() throws Exception {
    String svg = svg(QrCode.svgDataUrl(LINK));
    BitMatrix drawn = rasterise(svg);
    assertThat(decode(drawn, 8)).isEqualTo(LINK);
    assertThat(drawn).isEqualTo(QrCode.matrix(LINK));
  }

  private static String svg(String dataUrl) {
    assertThat(dataUrl).startsWith("data:image/svg+xml;base64,");
    return new String(
        Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1)),
        StandardCharsets.UTF_8);
  }

  /** Paints the SVG's rectangles ("Mx yhNv1h-Nz") back into modules. */
  private static BitMatrix rasterise(String svg) {
    Matcher box = Pattern.compile("viewBox='0 0 (\\d+) (\\d+)'").matcher(svg);
    assertThat(box.find()).isTrue();
    BitMatrix matrix =
        new BitMatrix(Integer.parseInt(box.group(1)), Integer.parseInt(box.group(2)));
    Matcher run = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\d+z").matcher(svg);
    while (run.find()) {
      matrix.setRegion(
          Integer.parseInt(run.group(1)),
          Integer.parseInt(run.group(2)),
          Integer.parseInt(run.group(3)),
          1);
    }
    return matrix;
  }

  /** Reads the code as a phone would, from an image at {@code scale} pixels per module. */
  private static String decode(BitMatrix modules, int scale) throws Exception {
    int w = modules.getWidth() * scale;
    int h = modules.getHeight() * scale;
    int[] pixels = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        pixels[y * w + x] = modules.get(x / scale, y / scale) ? 0xFF000000 : 0xFFFFFFFF;
      }
    }
    return new QRCodeReader()
        .decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, pixels))))
        .getText();
  }
}
