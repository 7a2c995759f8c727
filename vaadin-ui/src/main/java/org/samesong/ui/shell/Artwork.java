package org.samesong.ui.shell;

import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.samesong.catalog.Track;
import org.samesong.media.library.CoverArt;

/**
 * A track's cover: the picture embedded in its file when it has one ({@link CoverArt}, served to
 * the browser as a resource of this page), else one generated from the track itself, so every track
 * has its own that stays the same wherever it is shown: two colours and a pattern of bars taken
 * from the track's id, and the title's initials (an SVG data URL, drawn at any size).
 */
public final class Artwork extends Image {
  /** The track shown (null: nothing playing), so a repeated show sends nothing again. */
  private String shownTrackId = "";

  private boolean embedded;

  public Artwork(String size) {
    setWidth(size);
    setHeight(size);
    getStyle()
        .set("border-radius", "var(--lumo-border-radius-l)")
        .set("flex", "none")
        .set("object-fit", "cover");
    show(null);
  }

  /** Shows the cover of {@code track}, or a neutral one when nothing plays. */
  public void show(Track track) {
    String id = track == null ? null : track.id();
    if (java.util.Objects.equals(id, shownTrackId)) {
      return; // the same track again (a heartbeat): the browser has its picture
    }
    shownTrackId = id;
    embedded = false;
    if (track == null) {
      setSrc(dataUrl("nothing", "\u266a"));
      setAlt("Nothing playing");
      return;
    }
    setAlt("Cover of " + track.title());
    java.util.Optional<CoverArt.Picture> picture = CoverArt.of(track);
    if (picture.isPresent()) {
      byte[] data = picture.get().data();
      StreamResource resource =
          new StreamResource(
              "cover-" + track.id() + extension(picture.get().mediaType()),
              () -> new ByteArrayInputStream(data));
      resource.setContentType(picture.get().mediaType());
      setSrc(resource);
      embedded = true;
    } else {
      setSrc(dataUrl(track.id(), initials(track.title())));
    }
  }

  /** Whether the picture shown is the one embedded in the track's file. */
  public boolean isEmbedded() {
    return embedded;
  }

  private static String extension(String mediaType) {
    return "." + mediaType.substring(mediaType.indexOf('/') + 1);
  }

  static String initials(String title) {
    StringBuilder out = new StringBuilder();
    for (String word : title.strip().split("\\s+")) {
      if (!word.isEmpty() && out.length() < 2) {
        out.appendCodePoint(word.codePointAt(0));
      }
    }
    return out.length() == 0 ? "\u266a" : out.toString().toUpperCase(Locale.ROOT);
  }

  /** The SVG of a cover, as a data URL. */
  static String dataUrl(String seed, String text) {
    int hash = seed.hashCode();
    int hue = Math.floorMod(hash, 360);
    int hue2 = (hue + 40 + Math.floorMod(hash >> 9, 80)) % 360;
    StringBuilder bars = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      int h = 12 + Math.floorMod(hash >> (i % 24), 7) * 6 + Math.floorMod(i * 37 + hash, 11);
      bars.append(
          String.format(
              Locale.ROOT,
              "<rect x='%d' y='%d' width='5' height='%d' rx='2.5' fill='white' opacity='0.35'/>",
              14 + i * 8,
              92 - h,
              h));
    }
    String svg =
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 120 120'>"
                + "<defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'>"
                + "<stop offset='0' stop-color='hsl(%d,62%%,46%%)'/>"
                + "<stop offset='1' stop-color='hsl(%d,58%%,30%%)'/></linearGradient></defs>"
                + "<rect width='120' height='120' fill='url(#g)'/>%s"
                + "<text x='60' y='62' text-anchor='middle' dominant-baseline='middle'"
                + " font-family='sans-serif' font-size='40' font-weight='700' fill='white'>%s</text>"
                + "</svg>",
            hue,
            hue2,
            bars,
            escape(text));
    return "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
