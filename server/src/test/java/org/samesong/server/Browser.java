package org.samesong.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.samesong.testing.Services;

/**
 * Debian's headless Chromium and chromedriver (never a downloaded browser), with the flags this
 * machine needs: no sandbox as root, no background networking (the network is closed), autoplay.
 */
public final class Browser {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  /**
   * Makes the page a phone screen of {@code width}×{@code height} CSS pixels (touch, mobile
   * viewport): a headless window cannot be narrower than 500 pixels, an emulated screen can.
   */
  public static void emulateScreen(ChromeDriver driver, int width, int height, boolean mobile) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of(
            "width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** Makes the page see the system's dark (or light) colour scheme, as a phone at night would. */
  public static void emulateDark(ChromeDriver driver, boolean dark) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        java.util.Map.of(
            "features",
            java.util.List.of(
                java.util.Map.of(
                    "name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
  }

  /** Back to the window's own size. */
  public static void stopEmulating(ChromeDriver driver) {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
  }

  public static ChromeDriver start(int width, int height) {
    return start(width, height, new String[0]);
  }

  /**
   * Like {@link #start(int, int)}, with more command-line switches (e.g. {@code
   * --ignore-certificate-errors-spki-list=...} to trust a test's own TLS certificate).
   */
  public static ChromeDriver start(int width, int height, String... extraArguments) {
    Services.assume(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=" + width + "," + height);
    options.addArguments(extraArguments);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
