package org.samesong.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.resources.Feedback;
import me.gosimple.nbvcxz.scoring.Result;

/**
 * How hard a password is to guess, by nbvcxz (a zxcvbn implementation): a score from 0 (among the
 * most common passwords) to 4 (very unlikely to be guessed), and, below the minimum, a reason in
 * plain words. The account's username and the product's name count as words an attacker tries
 * first.
 */
public final class PasswordStrength {
  /** The scale's top. */
  public static final int MAX_SCORE = 4;

  private static final List<String> PRODUCT_WORDS = List.of("samesong", "same", "song", "party");

  private PasswordStrength() {}

  /** A score and, when the score falls short, what makes the password weak and what helps. */
  public record Verdict(int score, String reason) {}

  /** Scores {@code password} for the account {@code username} (which may be null). */
  public static Verdict of(String password, String username) {
    List<String> words = new ArrayList<>(PRODUCT_WORDS);
    if (username != null && !username.isBlank()) {
      String name = username.strip().toLowerCase(Locale.ROOT);
      words.add(name);
      for (String part : name.split("[._-]+")) {
        if (part.length() >= 3) {
          words.add(part);
        }
      }
    }
    Dictionary own =
        new DictionaryBuilder()
            .setDictionaryName("account")
            .addWords(words.stream().distinct().toList(), 0)
            .createDictionary();
    List<Dictionary> dictionaries = new ArrayList<>(ConfigurationBuilder.getDefaultDictionaries());
    dictionaries.add(own);
    Nbvcxz estimator =
        new Nbvcxz(
            new ConfigurationBuilder()
                .setDictionaries(dictionaries)
                .setLocale(Locale.ENGLISH)
                .createConfiguration());
    Result result = estimator.estimate(password);
    return new Verdict(result.getBasicScore(), reason(result.getFeedback()));
  }

  private static String reason(Feedback feedback) {
    StringBuilder text = new StringBuilder();
    if (feedback.getWarning() != null && !feedback.getWarning().isBlank()) {
      text.append(feedback.getWarning().strip());
    }
    for (String suggestion : feedback.getSuggestion()) {
      if (suggestion != null && !suggestion.isBlank()) {
        text.append(text.length() == 0 ? "" : " ").append(suggestion.strip());
      }
    }
    if (text.length() == 0) {
      text.append(
          "It would be guessed too soon. Add another word or two; uncommon words are better.");
    }
    return text.toString();
  }
}
