package org.samesong.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import org.samesong.common.ApiException;

/**
 * The rules for a member's display name (SPEC §3): NFC-normalised, 1–40 characters, no control,
 * format (zero-width, bidi overrides) or unassigned characters, and unique per session by its
 * confusable skeleton (Unicode TR39), so that {@code carol}, {@code Carol} and {@code c\u0430rol}
 * (Cyrillic a) are one name and nobody can pass for somebody else.
 */
public final class DisplayNames {
  public static final int MAX_CHARS = 40;

  private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
  private static final SpoofChecker SPOOF =
      new SpoofChecker.Builder().setChecks(SpoofChecker.CONFUSABLE).build();

  /** Names are at most 160 chars when asked (checked first): 100,000 of them are a few MB. */
  private static final Cache<String, String> SKELETONS =
      Caffeine.newBuilder().maximumSize(100_000).build();

  private DisplayNames() {}

  /**
   * The name as stored: trimmed and NFC-normalised.
   *
   * @throws ApiException 400 {@code display_name} saying which rule it breaks, in words
   */
  public static String check(String displayName) {
    if (displayName == null || displayName.isBlank()) {
      throw ApiException.badRequest("display_name", "is required");
    }
    if (displayName.length() > 4 * MAX_CHARS) {
      throw tooLong();
    }
    String name = NFC.normalize(displayName).strip();
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      switch (UCharacter.getType(c)) {
        case UCharacterCategory.CONTROL ->
            throw ApiException.badRequest(
                "display_name", "must not contain control characters (such as line breaks)");
        case UCharacterCategory.FORMAT ->
            throw ApiException.badRequest(
                "display_name",
                "must not contain invisible or text-direction characters (such as zero-width"
                    + " spaces or right-to-left marks)");
        case UCharacterCategory.UNASSIGNED, UCharacterCategory.SURROGATE ->
            throw ApiException.badRequest(
                "display_name", "must not contain characters that Unicode does not define");
        default -> {
          // allowed
        }
      }
      i += Character.charCount(c);
    }
    int length = name.codePointCount(0, name.length());
    if (length == 0) {
      throw ApiException.badRequest("display_name", "is required");
    }
    if (length > MAX_CHARS) {
      throw tooLong();
    }
    return name;
  }

  /**
   * What a name looks like, whatever its case and look-alike letters: two names with the same
   * skeleton cannot be told apart on a screen, so they are the same name.
   */
  public static String skeleton(String name) {
    // a join is judged against every name of the session: a party of 1,000 asks for the same
    // skeletons again and again (a few microseconds each, in the batch's serial step)
    return SKELETONS.get(name, n -> SPOOF.getSkeleton(UCharacter.foldCase(NFC.normalize(n), true)));
  }

  private static ApiException tooLong() {
    return ApiException.badRequest("display_name", "must be 1-" + MAX_CHARS + " characters");
  }
}
