package org.samesong.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The axe-core accessibility engine run in a page: installed from the npm registry into this
 * module's {@code target/axe} on first use (never a global install), injected into the page, and
 * asked for the WCAG 2.x A and AA rules' violations of impact serious or critical.
 */
final class Axe {
  static final String VERSION = "4.14.1";
  private static final Path HOME = Path.of("target", "axe");
  private static String source;

  private Axe() {}

  private static synchronized String source() throws IOException, InterruptedException {
    if (source != null) {
      return source;
    }
    Path script = HOME.resolve("node_modules/axe-core/axe.min.js");
    if (!Files.exists(script)) {
      Files.createDirectories(HOME);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-save",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  HOME.toString(),
                  "axe-core@" + VERSION)
              .redirectErrorStream(true)
              .start();
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(script)) {
        throw new IllegalStateException(
            "npm could not install axe-core " + VERSION + ":\n" + output);
      }
    }
    source = Files.readString(script, StandardCharsets.UTF_8);
    return source;
  }

  /** The serious and critical violations on the page as it is now, one line each. */
  @SuppressWarnings("unchecked")
  static List<String> seriousViolations(ChromeDriver page) throws Exception {
    if (!Boolean.TRUE.equals(page.executeScript("return typeof window.axe === 'object';"))) {
      page.executeScript(source());
    }
    page.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
    Object result =
        page.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
              resultTypes: ['violations']
            }).then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => JSON.stringify(n.target)
                                + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}))))
              .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
            """);
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> v : (List<Map<String, Object>>) result) {
      lines.add(v.get("impact") + " " + v.get("id") + ": " + v.get("help") + " " + v.get("nodes"));
    }
    return lines;
  }
}
