package org.samesong.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jdbi.v3.core.Jdbi;
import org.samesong.catalog.Track;
import org.samesong.request.api.RequestLogJson;
import org.samesong.request.api.RequestLogLine;
import org.samesong.session.SessionService;

/**
 * The request log as a file: every request of a session with its decision (who, when, why), as RFC
 * 4180 CSV with a header row or as JSON. Tracks are named as the catalog knows them now (removed
 * ones included).
 */
public class RequestLogExportService {
  /** The {@code decided_by} of a request the server approved by itself. */
  public static final String AUTO = RequestService.AUTO;

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final Function<String, Optional<Track>> tracks;
  private final ObjectMapper mapper;
  private final Clock clock;

  /**
   * @param tracks a track by id, removed ones included (the catalog)
   */
  public RequestLogExportService(
      Jdbi jdbi,
      SessionService sessions,
      Function<String, Optional<Track>> tracks,
      ObjectMapper mapper,
      Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.tracks = tracks;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** The log of a session (404 when there is none), oldest first. */
  public RequestLogJson log(String sessionId) {
    sessions.find(sessionId);
    List<RequestDao.ExportRow> rows =
        jdbi.withExtension(RequestDao.class, dao -> dao.exportAll(sessionId));
    Map<String, Optional<Track>> named = new HashMap<>();
    List<RequestLogLine> lines =
        rows.stream().map(r -> line(r, named.computeIfAbsent(trackIdOf(r), this::track))).toList();
    return new RequestLogJson(sessionId, ISO.format(Instant.ofEpochMilli(clock.millis())), lines);
  }

  /** The log as CSV: a header row, then one record per request (CRLF, quoted where needed). */
  public String csv(RequestLogJson log) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer =
        new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(RequestLogLine.COLUMNS).get())) {
      for (RequestLogLine line : log.requests()) {
        printer.printRecord(line.values());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private Optional<Track> track(String id) {
    return id == null ? Optional.empty() : tracks.apply(id);
  }

  private String trackIdOf(RequestDao.ExportRow r) {
    Object id = payload(r).get("track_id");
    return id == null ? null : id.toString();
  }

  private RequestLogLine line(RequestDao.ExportRow r, Optional<Track> track) {
    Map<String, Object> p = payload(r);
    Object position = p.get("position");
    return new RequestLogLine(
        r.id(),
        r.action(),
        (String) p.get("track_id"),
        track.map(Track::title).orElse(null),
        track.map(Track::artist).orElse(null),
        (String) p.get("url"),
        (String) p.get("item_id"),
        position instanceof Number n ? n.intValue() : null,
        r.note(),
        r.requestedByName(),
        ISO.format(Instant.ofEpochMilli(r.createdAt())),
        r.status(),
        decidedBy(r),
        r.decidedAt() == null ? null : ISO.format(Instant.ofEpochMilli(r.decidedAt())),
        r.reason());
  }

  private static String decidedBy(RequestDao.ExportRow r) {
    if (r.decidedAt() == null) {
      return null;
    }
    if (r.decidedBy() == null) {
      return null;
    }
    return r.decidedByName() != null ? r.decidedByName() : AUTO;
  }

  private Map<String, Object> payload(RequestDao.ExportRow r) {
    try {
      return mapper.readValue(r.payload(), new TypeReference<HashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable request payload", e);
    }
  }
}
