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
    return message.isEmpty()
        ? message
        : message.substring(0, 1).toUpperCase(Locale.ROOT) + message.substring(1);
  }
}
