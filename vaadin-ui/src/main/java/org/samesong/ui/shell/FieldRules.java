package org.samesong.ui.shell;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.samesong.common.ApiException;
import org.samesong.session.DisplayNames;
import org.samesong.user.UserService;

/**
 * The rules of names and passwords in words a person understands, shown under the fields before
 * anything is sent, and the server's refusals turned into sentences for the field they concern.
 */
public final class FieldRules {
  /** Under a password field: what the server will ask of it. */
  public static final String PASSWORD_RULE =
      "At least "
          + UserService.MIN_PASSWORD
          + " characters and hard to guess: three or four uncommon words work well";

  /** Under a guest's name field. */
  public static final String NAME_RULE =
      "1–"
          + DisplayNames.MAX_CHARS
          + " characters; no invisible characters. Names that look alike (Carol, CAROL, Cаrol)"
          + " count as the same name, so pick one nobody here has";

  private FieldRules() {}

  /**
   * Shows the password rule under {@code field} and, while a password is typed, why it is too easy
   * to guess (or that it is strong enough).
   *
   * @param username the account's name as typed so far (a password made of it is weak), or null
   */
  public static void password(PasswordField field, Supplier<String> username) {
    field.setHelperText(PASSWORD_RULE);
    field.setValueChangeMode(ValueChangeMode.LAZY);
    field.setValueChangeTimeout(400);
    field.addValueChangeListener(
        e -> {
          String typed = e.getValue();
          if (typed == null || typed.isEmpty()) {
            field.setHelperText(PASSWORD_RULE);
            return;
          }
          if (typed.length() < UserService.MIN_PASSWORD) {
            field.setHelperText("Too short: at least " + UserService.MIN_PASSWORD + " characters");
            return;
          }
          Optional<String> problem =
              UiServices.get()
                  .users()
                  .strengthProblem(typed, username == null ? null : username.get());
          field.setHelperText(problem.map(p -> "Too easy to guess: " + p).orElse("Strong enough"));
        });
  }

  /**
   * Marks {@code field} invalid with the refusal in a sentence: the API says {@code "display_name
   * must be 1-40 characters"}; under a field labelled with its name that reads "Must be 1-40
   * characters", and "password is too easy to guess" reads "Too easy to guess".
   */
  public static void refuse(HasValidation field, ApiException e) {
    field.setErrorMessage(sentence(e));
    field.setInvalid(true);
  }

  /** The API's field names as a person calls them, where a message names one. */
  private static final java.util.Map<String, String> FIELD_WORDS =
      java.util.Map.ofEntries(
          java.util.Map.entry("position_ms", "position"),
          java.util.Map.entry("display_name", "name"),
          java.util.Map.entry("track_id", "track"),
          java.util.Map.entry("item_id", "playlist item"),
          java.util.Map.entry("request_id", "request"),
          java.util.Map.entry("member_id", "listener"),
          java.util.Map.entry("refresh_token", "sign-in"),
          java.util.Map.entry("drift_ms", "drift"),
          java.util.Map.entry("join_mode", "who may join"));

  private static final java.util.regex.Pattern SNAKE =
      java.util.regex.Pattern.compile("\\b[a-z]+(?:_[a-z]+)+\\b");

  /**
   * A refusal as a sentence for a notice, where no field is there to put it under: "position_ms
   * must not be negative" reads "Position must not be negative", "track_id is required (or a url)"
   * reads "Track is required (or a URL)".
   */
  public static String human(ApiException e) {
    return inWords(e.getMessage() == null ? "" : e.getMessage());
  }

  private static String inWords(String message) {
    java.util.regex.Matcher names = SNAKE.matcher(message);
    StringBuilder words = new StringBuilder();
    while (names.find()) {
      String name = names.group();
      String word = FIELD_WORDS.get(name);
      if (word == null && names.start() == 0) {
        word = name.replace('_', ' '); // a field name the map does not know yet
      }
      names.appendReplacement(
          words, java.util.regex.Matcher.quoteReplacement(word == null ? name : word));
    }
    names.appendTail(words);
    String text = words.toString().replaceAll("\\burl\\b", "URL");
    return text.isEmpty()
        ? text
        : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
  }

  /** The refusal's message without the API's field name in front, starting with a capital. */
  public static String sentence(ApiException e) {
    String message = e.getMessage();
    String field = e.field();
    if (field != null && message.startsWith(field + " ")) {
      message = message.substring(field.length() + 1);
    }
    if (message.startsWith("is ")) {
      message = message.substring(3); // "password is too easy to guess" -> "Too easy to guess"
    }
    return inWords(message);
  }
}
