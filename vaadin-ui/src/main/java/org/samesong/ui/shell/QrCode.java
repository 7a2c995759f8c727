package org.samesong.ui.shell;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** QR codes (ZXing) as SVG data URLs: sharp at any size, no image files, no extra requests. */
public final class QrCode {
  private QrCode() {}

  /** An {@code image/svg+xml} data URL of the QR code of {@code text}, with a 2-module margin. */
  public static String svgDataUrl(String text) {
    return svgDataUrl(matrix(text));
  }

  /** The QR code's modules (true = dark), with a 2-module quiet zone. */
  static BitMatrix matrix(String text) {
    BitMatrix matrix;
    try {
      matrix =
          new QRCodeWriter()
              .encode(
                  text,
                  BarcodeFormat.QR_CODE,
                  0,
                  0,
                  Map.of(
                      EncodeHintType.MARGIN,
                      2,
                      EncodeHintType.ERROR_CORRECTION,
                      ErrorCorrectionLevel.M,
                      EncodeHintType.CHARACTER_SET,
                      "UTF-8"));
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode a QR code for " + text, e);
    }
    return matrix;
  }

  /** Draws the modules as one SVG path: a row's run of dark modules is one rectangle. */
  static String svgDataUrl(BitMatrix matrix) {
    int width = matrix.getWidth();
    int height = matrix.getHeight();
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (matrix.get(x, y)) {
          int run = 1;
          while (x + run < width && matrix.get(x + run, y)) {
            run++;
          }
          path.append('M').append(x).append(' ').append(y).append('h').append(run).append("v1h-");
          path.append(run).append('z');
          x += run - 1;
        }
      }
    }
    String svg =
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 "
            + width
            + " "
            + height
            + "' shape-rendering='crispEdges'><rect width='100%' height='100%' fill='#fff'/>"
            + "<path fill='#000' d='"
            + path
            + "'/></svg>";
    return "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8));
  }
}
