package org.samesong.ui.shell;

/**
 * The screens' routes, named once: views forward and navigate to each other by these strings, so no
 * screen's package depends on another's (the login screen sends a browser to the host console, the
 * host console sends it back to the login).
 */
public final class Routes {
  /** {@code /}: log in. */
  public static final String LOGIN = "";

  /** {@code /setup}: create the first account. */
  public static final String SETUP = "setup";

  /** {@code /host}: the host console. */
  public static final String HOST = "host";

  /** {@code /admin}: settings, accounts, sessions, the library. */
  public static final String ADMIN = "admin";

  /** {@code /join}: a guest's page, followed by the invite code. */
  public static final String JOIN = "join";

  private Routes() {}
}
