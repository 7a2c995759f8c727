package org.samesong.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The arrows of docs/architecture.md: resources → services → DAOs, features without cycles, UI
 * without SQL.
 */
@AnalyzeClasses(
    packages = "org.samesong",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

  /** The service's test helpers arrive as a test jar, which DoNotIncludeTests does not spot. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule feature_packages_are_free_of_cycles =
      slices().matching("org.samesong.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule only_services_touch_daos =
      noClasses()
          .that()
          .haveSimpleNameNotEndingWith("Service")
          .and()
          .haveSimpleNameNotEndingWith("Dao")
          .should()
          .dependOnClassesThat()
          .haveSimpleNameEndingWith("Dao")
          .because("resources and views call services; only services reach the database");

  @ArchTest
  static final ArchRule the_ui_never_uses_jdbi =
      noClasses()
          .that()
          .resideInAPackage("org.samesong.ui..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.jdbi..", "java.sql..")
          .because("views call the features' services, never the database");

  /**
   * Each screen's package (login, host, guest, admin, player, shell) is a slice of its own: the
   * feature rule above sees {@code ui} as one, so a cycle between two screens went unnoticed.
   */
  @ArchTest
  static void ui_packages_are_free_of_cycles(JavaClasses classes) {
    slices().matching("org.samesong.ui.(*)..").should().beFreeOfCycles().check(classes);
  }

  @ArchTest
  static final ArchRule resources_never_use_jdbi =
      noClasses()
          .that()
          .haveSimpleNameEndingWith("Resource")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.jdbi..");

  /**
   * Every package of the service module but {@code app} itself (docs/architecture.md lists them).
   */
  static final String[] FEATURE_PACKAGES = {
    "org.samesong.auth..",
    "org.samesong.catalog..",
    "org.samesong.common..",
    "org.samesong.integration..",
    "org.samesong.media..",
    "org.samesong.metrics..",
    "org.samesong.openapi..",
    "org.samesong.playback..",
    "org.samesong.playlist..",
    "org.samesong.ratelimit..",
    "org.samesong.request..",
    "org.samesong.session..",
    "org.samesong.settings..",
    "org.samesong.sync..",
    "org.samesong.user..",
    "org.samesong.webhook.."
  };

  @ArchTest
  static final ArchRule features_do_not_reach_into_the_application =
      noClasses()
          .that()
          .resideInAnyPackage(FEATURE_PACKAGES)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.samesong.app..")
          .because("features get what they need handed to them by the application");

  @ArchTest
  static final ArchRule every_service_package_is_a_listed_feature_or_the_application =
      classes()
          .that()
          .resideInAPackage("org.samesong..")
          .and()
          .resideOutsideOfPackages(
              "org.samesong.app..", "org.samesong.ui..", "org.samesong.server..")
          .should()
          .resideInAnyPackage(FEATURE_PACKAGES)
          .because("a new feature package is held to the rules above the day it exists");

  @ArchTest
  static final ArchRule the_service_never_depends_on_the_ui =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.samesong.ui..", "org.samesong.server..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.samesong.ui..", "com.vaadin..");
}
