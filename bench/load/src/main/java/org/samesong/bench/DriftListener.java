package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One guest page: its driver (and window), its samples. */
final class DriftListener {
  final String name;
  /** Set before the join: the speaker delay this browser keeps (as the calibration would). */
  int outputLatencyMs;
  final ChromeDriver driver;
  final String handle;
  final List<DriftRow> rows = new ArrayList<>();
  double clickAt;

  DriftListener(String name, ChromeDriver driver, String handle) {
    this.name = name;
    this.driver = driver;
    this.handle = handle;
  }

  void focus() {
    if (handle != null && !handle.equals(driver.getWindowHandle())) {
      driver.switchTo().window(handle);
    }
  }

  void join(String origin) {
    focus();
    driver.get(origin + "/join/" + code);
    if (outputLatencyMs != 0) {
      driver.executeScript(
          "localStorage.setItem('samesong.outputLatencyMs', arguments[0])",
          String.valueOf(outputLatencyMs));
    }
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    WebElement field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("display-name")));
    WebElement input = field.findElement(By.cssSelector("input"));
    input.click();
    input.sendKeys(name);
    if (webAudio) {
      // read by <sync-audio> when it is made, after the join
      driver.executeScript("localStorage.setItem('samesong.webAudioStart', '1')");
    }
    driver.executeScript(SAMPLER);
    WebElement join = driver.findElement(By.id("join"));
    clickAt = now();
    join.click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("player")));
    // the join swaps the view in place; if it ever reloads the page, sample again
    driver.executeScript(SAMPLER);
  }

  /** The controller's learned latencies and last landings (for the profile of a miss). */
  String diagnostics() {
    focus();
    Object out = driver.executeScript(DIAGNOSTICS);
    return name + ": " + out;
  }

  void drain() throws IOException {
    focus();
    Object out = driver.executeScript(DRAIN);
    if (out == null) {
      driver.executeScript(SAMPLER);
      return;
    }
    for (JsonNode r : JSON.readTree(out.toString())) {
      rows.add(DriftRow.of(r));
    }
  }

  /** Whether the samples of the last {@code ms} all lie within {@code bound} ms of the schedule. */
  boolean recentWithin(double bound, double ms) {
    if (rows.isEmpty()) {
      return false;
    }
    double last = rows.get(rows.size() - 1).t();
    int n = 0;
    for (int i = rows.size() - 1; i >= 0 && rows.get(i).t() >= last - ms; i--) {
      Double e = error(rows.get(i));
      if (e == null || Math.abs(e) > bound) {
        return false;
      }
      n++;
    }
    return n >= ms / 100;
  }

  /** The first time after {@code from} from which |error| ≤ bound for ≥ hold ms; ms after from. */
  Double convergence(double from, double bound, double hold) {
    Double start = null;
    for (DriftRow r : rows) {
      if (r.t() < from) {
        continue;
      }
      Double e = error(r);
      if (e == null || Math.abs(e) > bound) {
        start = null;
        continue;
      }
      if (start == null) {
        start = r.t();
      }
      if (r.t() - start >= hold) {
        return start - from;
      }
    }
    return null;
  }

  void writeCsv(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "t_ms,current_time_s,item,paused,rate,other_time_s,other_item,other_playing,offset_ms,date_now_ms,visible,expected_timeline_ms,error_ms");
    for (DriftRow r : rows) {
      Double e = error(r);
      lines.add(
          String.format(
              Locale.ROOT,
              "%.3f,%.6f,%s,%d,%.4f,%s,%s,%d,%s,%d,%d,%.3f,%s",
              r.t(),
              r.currentTime(),
              r.item() == null ? "" : r.item(),
              r.paused() ? 1 : 0,
              r.rate(),
              r.otherTime() == null ? "" : String.format(Locale.ROOT, "%.6f", r.otherTime()),
              r.otherItem() == null ? "" : r.otherItem(),
              r.otherPlaying() ? 1 : 0,
              r.offset() == null ? "" : String.format(Locale.ROOT, "%.3f", r.offset()),
              r.dateNow(),
              r.visible() ? 1 : 0,
              schedule.expected(r.t()),
              e == null ? "" : String.format(Locale.ROOT, "%.3f", e)));
    }
    Files.write(file, lines);
  }
}
