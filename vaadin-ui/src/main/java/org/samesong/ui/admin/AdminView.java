package org.samesong.ui.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.session.Session;
import org.samesong.settings.Setting;
import org.samesong.settings.Settings;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Header;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.SignInGuard;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;
import org.samesong.user.api.UserPatch;

/**
 * {@code /admin}: every runtime setting (stored in the database, effective at once), the
 * infrastructure settings read-only, accounts, live sessions, the music library and FFmpeg.
 */
@Route(Routes.ADMIN)
@PageTitle("Samesong · Admin")
public class AdminView extends VerticalLayout implements BeforeEnterObserver {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  private final Map<String, Component> fields = new LinkedHashMap<>();
  private Grid<User> users;
  private Grid<Session> sessions;
  private List<String> shownSessions = List.of();
  private java.util.concurrent.ScheduledFuture<?> sessionsTimer;
  private User admin;

  /** How often the session list is read again while the page is open (ended ones leave it). */
  static final long SESSIONS_REFRESH_S = 5;

  public AdminView() {
    addAttachListener(
        e ->
            sessionsTimer =
                org.samesong.ui.shell.UiTimer.every(
                    e.getUI(),
                    SESSIONS_REFRESH_S,
                    java.util.concurrent.TimeUnit.SECONDS,
                    () -> {
                      if (sessions != null) {
                        refreshSessions();
                      }
                    }));
    addDetachListener(
        e -> {
          if (sessionsTimer != null) {
            sessionsTimer.cancel(false);
            sessionsTimer = null;
          }
        });
    addClassName("admin-view");
    setWidthFull();
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    admin = SignInGuard.admin(event).orElse(null);
    if (admin == null) {
      return;
    }
    removeAll();
    add(
        new Header(admin),
        settingsSection(),
        infrastructureSection(),
        new LibrarySection(),
        new WebhooksSection(),
        usersSection(),
        sessionsSection());
  }

  // ---------------------------------------------------------------- settings

  private VerticalLayout settingsSection() {
    Map<String, Object> values = UiServices.get().settings().all();
    fields.clear();
    Map<String, FormLayout> groups = new LinkedHashMap<>();
    for (String group : SettingLabels.GROUPS) {
      FormLayout form = new FormLayout();
      form.setResponsiveSteps(
          new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("40rem", 2));
      groups.put(group, form);
    }
    for (Setting<?> setting : Settings.ALL) {
      Component field = fieldFor(setting, values.get(setting.key()));
      field.setId("setting-" + setting.key());
      fields.put(setting.key(), field);
      groups.get(SettingLabels.group(setting.key())).add(field);
    }
    VerticalLayout grouped = new VerticalLayout();
    grouped.setPadding(false);
    groups.forEach(
        (name, form) -> {
          if (form.getChildren().findAny().isPresent()) {
            Details details = new Details(name, form);
            details.setOpened(true);
            details.setWidthFull();
            details.setId(
                "settings-" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("\\W+", "-"));
            grouped.add(details);
          }
        });
    Button save = new Button("Save settings");
    save.setId("save-settings");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    save.addClickListener(e -> saveSettings());
    VerticalLayout section = section("Settings", "settings", grouped, save);
    return section;
  }

  private static Component fieldFor(Setting<?> setting, Object value) {
    String label = SettingLabels.label(setting.key());
    // the key stays in the help text: it is what the API and the docs call the setting
    String help = setting.description() + " (" + setting.key() + ")";
    Class<?> type = setting.type();
    if (type == Boolean.class) {
      Checkbox box = new Checkbox(label, Boolean.TRUE.equals(value));
      box.setTooltipText(help);
      box.setHelperText(help);
      return box;
    }
    if (type == Integer.class) {
      IntegerField number = new IntegerField(label);
      number.setValue(value == null ? null : ((Number) value).intValue());
      number.setHelperText(help);
      return number;
    }
    if (type == Double.class) {
      NumberField number = new NumberField(label);
      number.setValue(value == null ? null : ((Number) value).doubleValue());
      number.setHelperText(help);
      return number;
    }
    if (List.class.isAssignableFrom(type)) {
      TextArea lines = new TextArea(label);
      lines.setValue(
          value instanceof List<?> list
              ? String.join("\n", list.stream().map(String::valueOf).toList())
              : "");
      lines.setHelperText(help + " One per line.");
      return lines;
    }
    TextField text = new TextField(label);
    text.setValue(value == null ? "" : value.toString());
    text.setHelperText(help);
    return text;
  }

  private void saveSettings() {
    Map<String, Object> current = UiServices.get().settings().all();
    Map<String, JsonNode> changes = new LinkedHashMap<>();
    JsonNodeFactory json = JsonNodeFactory.instance;
    for (Map.Entry<String, Component> entry : fields.entrySet()) {
      String key = entry.getKey();
      Component field = entry.getValue();
      if (field instanceof HasValidation validation) {
        validation.setInvalid(false);
      }
      JsonNode value = valueOf(field, json);
      if (value != null && !sameAs(value, current.get(key))) {
        changes.put(key, value);
      }
    }
    if (changes.isEmpty()) {
      Notices.info("Nothing changed");
      return;
    }
    try {
      UiServices.get().settings().update(changes);
      Notices.info("Settings saved");
    } catch (ApiException e) {
      Component field = fields.get(e.field());
      if (field instanceof HasValidation validation) {
        FieldRules.refuse(validation, e);
      }
      Notices.error("Not saved: " + FieldRules.sentence(e));
    }
  }

  private static JsonNode valueOf(Component field, JsonNodeFactory json) {
    if (field instanceof Checkbox box) {
      return json.booleanNode(box.getValue());
    }
    if (field instanceof IntegerField number) {
      return number.getValue() == null ? json.nullNode() : json.numberNode(number.getValue());
    }
    if (field instanceof NumberField number) {
      return number.getValue() == null ? json.nullNode() : json.numberNode(number.getValue());
    }
    if (field instanceof TextArea lines) {
      ArrayNode array = json.arrayNode();
      Arrays.stream(lines.getValue().split("\\R"))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(array::add);
      return array;
    }
    if (field instanceof TextField text) {
      return json.textNode(text.getValue().strip());
    }
    return null;
  }

  private static boolean sameAs(JsonNode value, Object current) {
    if (current == null) {
      return value.isNull();
    }
    if (value.isNumber() && current instanceof Number n) {
      return value.asDouble() == n.doubleValue();
    }
    if (value.isBoolean()) {
      return Objects.equals(value.asBoolean(), current);
    }
    if (value.isArray() && current instanceof List<?> list) {
      if (value.size() != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!value.get(i).asText().equals(String.valueOf(list.get(i)))) {
          return false;
        }
      }
      return true;
    }
    return value.asText().equals(String.valueOf(current));
  }

  // ---------------------------------------------------------------- infrastructure

  private VerticalLayout infrastructureSection() {
    Services services = UiServices.get();
    FormLayout list = new FormLayout();
    list.setResponsiveSteps(
        new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("40rem", 2));
    Map<String, String> infra = new LinkedHashMap<>(services.settings().infrastructure());
    infra.put("ffmpeg", services.ffmpeg().describe());
    for (Map.Entry<String, String> entry : infra.entrySet()) {
      TextField value = new TextField(entry.getKey());
      value.setValue(entry.getValue() == null ? "" : entry.getValue());
      value.setReadOnly(true);
      value.setId("infra-" + entry.getKey());
      list.add(value);
    }
    Span note =
        new Span(
            "Set in config.yml or by SAMESONG_* environment variables; a restart applies them.");
    note.getStyle().set("color", "var(--lumo-secondary-text-color)");
    return section("Infrastructure", "infrastructure", note, list);
  }

  // ---------------------------------------------------------------- users

  private VerticalLayout usersSection() {
    users = new Grid<>();
    users.setId("users");
    users.addThemeVariants(GridVariant.LUMO_COMPACT);
    users.setAllRowsVisible(true);
    users.addColumn(User::username).setHeader("User").setFlexGrow(2);
    users.addColumn(User::role).setHeader("Role").setAutoWidth(true);
    users
        .addColumn(u -> u.disabled() ? "disabled" : "active")
        .setHeader("State")
        .setAutoWidth(true);
    users
        .addComponentColumn(
            u -> {
              Button reset = new Button("Reset password", e -> askPassword(u));
              reset.addThemeVariants(ButtonVariant.LUMO_SMALL);
              reset.setId("reset-" + u.username());
              Button toggle =
                  new Button(
                      u.disabled() ? "Enable" : "Disable",
                      e -> patchUser(u, new UserPatch(!u.disabled(), null, null)));
              toggle.addThemeVariants(
                  ButtonVariant.LUMO_SMALL,
                  u.disabled() ? ButtonVariant.LUMO_SUCCESS : ButtonVariant.LUMO_ERROR);
              toggle.setId("toggle-" + u.username());
              toggle.setEnabled(!u.id().equals(admin.id()));
              return new HorizontalLayout(reset, toggle);
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    refreshUsers();

    TextField username = new TextField("Username");
    username.setId("new-username");
    PasswordField password = new PasswordField("Password");
    password.setId("new-password");
    FieldRules.password(password, username::getValue);
    Select<String> role = new Select<>();
    role.setLabel("Role");
    role.setId("new-role");
    role.setItems(User.USER, User.ADMIN);
    role.setValue(User.USER);
    Button create = new Button("Create user");
    create.setId("create-user");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.addClickListener(
        e -> {
          try {
            UiServices.get()
                .users()
                .create(username.getValue(), password.getValue(), role.getValue());
            Notices.info("Created " + username.getValue());
            username.clear();
            password.clear();
            username.setInvalid(false);
            password.setInvalid(false);
            refreshUsers();
          } catch (ApiException ex) {
            FieldRules.refuse("password".equals(ex.field()) ? password : username, ex);
          }
        });
    HorizontalLayout form = new HorizontalLayout(username, password, role, create);
    form.setAlignItems(FlexComponent.Alignment.BASELINE);
    form.setWrap(true);
    return section("Users", "users-section", users, form);
  }

  private void askPassword(User user) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("New password for " + user.username());
    PasswordField password = new PasswordField("New password");
    password.setId("reset-password");
    FieldRules.password(password, user::username);
    Button save = new Button("Set password");
    save.setId("reset-confirm");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    save.addClickListener(
        e -> {
          try {
            UiServices.get()
                .users()
                .update(user.id(), new UserPatch(null, password.getValue(), null), admin.id());
            dialog.close();
            Notices.info("Password changed");
          } catch (ApiException ex) {
            FieldRules.refuse(password, ex);
          }
        });
    dialog.add(new Paragraph("The user's sessions are signed out."), password);
    dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
    dialog.open();
  }

  private void patchUser(User user, UserPatch patch) {
    try {
      UiServices.get().users().update(user.id(), patch, admin.id());
    } catch (ApiException e) {
      Notices.error(e);
    }
    refreshUsers();
  }

  private void refreshUsers() {
    users.setItems(UiServices.get().users().list());
  }

  // ---------------------------------------------------------------- sessions

  private VerticalLayout sessionsSection() {
    sessions = new Grid<>();
    shownSessions = null;
    sessions.setId("sessions");
    sessions.addThemeVariants(GridVariant.LUMO_COMPACT);
    sessions.setAllRowsVisible(true);
    sessions.addColumn(Session::name).setHeader("Session").setFlexGrow(2);
    sessions.addColumn(Session::code).setHeader("Code").setAutoWidth(true);
    sessions
        .addColumn(s -> WHEN.format(Instant.ofEpochMilli(s.createdAt())))
        .setHeader("Started")
        .setAutoWidth(true);
    sessions
        .addComponentColumn(
            s -> {
              Button end = new Button("End", e -> endSession(s));
              end.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
              end.setId("end-" + s.code());
              end.setAriaLabel("End " + s.name());
              return end;
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    refreshSessions();
    return section("Active sessions", "sessions-section", sessions);
  }

  private void endSession(Session session) {
    try {
      UiServices.get().sessions().end(session.id());
      Notices.info("Ended " + session.name());
    } catch (ApiException e) {
      Notices.error(e);
    }
    refreshSessions();
  }

  /** Reads the live sessions again; the grid is redrawn only when the list changed. */
  void refreshSessions() {
    List<Session> live = UiServices.get().sessions().listLive();
    List<String> ids = live.stream().map(Session::id).toList();
    if (!ids.equals(shownSessions)) {
      shownSessions = ids;
      sessions.setItems(live);
    }
  }

  static VerticalLayout section(String title, String id, Component... content) {
    VerticalLayout section = new VerticalLayout();
    section.setId(id);
    section.setPadding(false);
    section.add(new H2(title));
    section.add(content);
    return section;
  }

  /** The field of a setting, for tests. */
  Component field(String key) {
    return fields.get(key);
  }
}
