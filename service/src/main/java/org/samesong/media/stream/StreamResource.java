package org.samesong.media.stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.samesong.common.ErrorBody;
import org.samesong.media.url.OriginClient;

/**
 * {@code GET} and {@code HEAD /api/tracks/{id}/stream?exp=&sig=}: the audio of a track, for an
 * {@code <audio>} element. No token: the signed URL is the credential ({@link StreamService}). HTTP
 * as browsers expect it: {@code Accept-Ranges: bytes}, one range per request (206), several ranges
 * or a malformed {@code Range} served whole (200), 416 beyond the end, strong {@code ETag} and
 * {@code Last-Modified} with {@code If-None-Match}, {@code If-Modified-Since} and {@code If-Range},
 * and a {@code Cache-Control} that ends when the URL does. Files are streamed in chunks from a
 * {@link FileChannel}, never read whole; URL tracks are relayed from their origin as they arrive.
 */
@Tag(name = "streams")
@SecurityRequirement(name = "streamSignature")
@Path("/tracks/{id}/stream")
public class StreamResource {
  private static final int CHUNK = 64 * 1024;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final StreamService streams;

  public StreamResource(StreamService streams) {
    this.streams = streams;
  }

  @GET
  @Operation(
      operationId = "streamTrack",
      summary = "The audio of a track",
      description =
          "Use the track's `stream_url` as it is: its `exp`, `m` and `sig` are the only credential"
              + " (an `<audio>` element sends no token). It expires after `stream_url_ttl_s`"
              + " (fetch the track again for a fresh one), and a member's URL stops when the member"
              + " is kicked. One byte range per request (206); several"
              + " ranges, a malformed `Range` or an `If-Range` that does not match get the whole"
              + " file (200). URL tracks are relayed from their origin as they arrive.")
  @Parameter(
      in = ParameterIn.HEADER,
      name = "Range",
      description = "One range: `bytes=a-b`, `bytes=a-` or `bytes=-n`.")
  @Parameter(
      in = ParameterIn.HEADER,
      name = "If-Range",
      description = "Serve the range only if the `ETag` or `Last-Modified` still matches.")
  @Parameter(
      in = ParameterIn.HEADER,
      name = "If-None-Match",
      description = "An `ETag`: 304 if it matches.")
  @Parameter(
      in = ParameterIn.HEADER,
      name = "If-Modified-Since",
      description = "304 unless modified since (when there is no `If-None-Match`).")
  @ApiResponse(
      responseCode = "200",
      description = "The whole file.",
      headers = {
        @Header(name = "Accept-Ranges", description = "`bytes`"),
        @Header(name = "ETag", description = "strong, from size and modification time"),
        @Header(name = "Last-Modified", description = "the file's modification time"),
        @Header(name = "Cache-Control", description = "`private, max-age=` until the URL expires")
      },
      content =
          @Content(mediaType = "audio/*", schema = @Schema(type = "string", format = "binary")))
  @ApiResponse(
      responseCode = "206",
      description = "The one range asked for.",
      headers = @Header(name = "Content-Range", description = "`bytes a-b/length`"),
      content =
          @Content(mediaType = "audio/*", schema = @Schema(type = "string", format = "binary")))
  @ApiResponse(responseCode = "304", description = "Not modified since the `ETag` or date given.")
  @ApiResponse(
      responseCode = "403",
      description =
          "`exp` or `sig` missing, malformed, tampered, expired, of another track or of a"
              + " kicked member"
              + " (`invalid_signature`), or a URL track whose origin's address is refused now"
              + " (`url_not_allowed`).")
  @ApiResponse(
      responseCode = "404",
      description =
          "Unknown or removed track, or its library file is missing or lies outside the library"
              + " (`not_found`).")
  @ApiResponse(
      responseCode = "416",
      description = "The range starts at or after the end (`range_not_satisfiable`).",
      headers = @Header(name = "Content-Range", description = "`bytes */length`"))
  @ApiResponse(
      responseCode = "502",
      description = "A URL track's origin cannot be reached or fails (`origin_failed`).")
  @ApiResponse(responseCode = "503", description = "The database is unavailable (`unavailable`).")
  public Response get(@BeanParam StreamRequest request) {
    return answer(request, true);
  }

  @HEAD
  @Operation(
      operationId = "streamTrackHead",
      summary = "The headers of a track's audio, without the body",
      description = "As `GET`, but without a body, and `Range` is ignored.")
  @ApiResponse(
      responseCode = "200",
      description = "The headers of the whole file (`Content-Length`, `ETag`, `Accept-Ranges`, …).")
  @ApiResponse(responseCode = "304", description = "Not modified since the `ETag` or date given.")
  @ApiResponse(
      responseCode = "403",
      description =
          "`exp` or `sig` missing, malformed, tampered, expired, of another track or of a"
              + " kicked member"
              + " (`invalid_signature`), or the origin's address is refused (`url_not_allowed`).")
  @ApiResponse(responseCode = "404", description = "Unknown or removed track (`not_found`).")
  @ApiResponse(
      responseCode = "502",
      description = "A URL track's origin cannot be reached or fails (`origin_failed`).")
  @ApiResponse(responseCode = "503", description = "The database is unavailable (`unavailable`).")
  public Response head(@BeanParam StreamRequest request) {
    return answer(request, false);
  }

  /**
   * What {@code GET} and {@code HEAD} both read: the track, the signed URL's {@code exp} and {@code
   * sig}, and the request's headers (ranges and validators). Fields, not a record: Jersey injects a
   * bean parameter's fields and refuses final ones; public, so the OpenAPI reader sees them too.
   */
  public static final class StreamRequest {
    @Parameter(description = "The track's id.")
    @PathParam("id")
    public String id;

    @Parameter(
        description = "Expiry of the URL, epoch seconds (from `stream_url`).",
        required = true,
        schema = @Schema(type = "integer", format = "int64"))
    @QueryParam("exp")
    public String exp;

    @Parameter(
        description =
            "The member the URL was made for (from `stream_url`): it stops working when that"
                + " member is kicked. Absent from URLs made for an account.")
    @QueryParam("m")
    public String m;

    @Parameter(
        description = "Signature of the id, `exp` and `m`, base64url (from `stream_url`).",
        required = true)
    @QueryParam("sig")
    public String sig;

    @Context public HttpHeaders headers;
  }

  private Response answer(StreamRequest request, boolean get) {
    StreamService.Playable playable = streams.open(request.id, request.exp, request.m, request.sig);
    HttpHeaders headers = request.headers;
    String cacheControl = "private, max-age=" + streams.maxAgeSeconds(playable);
    if (playable instanceof StreamService.LocalFile file) {
      return local(file, headers, get, cacheControl);
    }
    return remote((StreamService.Remote) playable, headers, get, cacheControl);
  }

  private static Response local(
      StreamService.LocalFile file, HttpHeaders headers, boolean get, String cacheControl) {
    String etag = file.etag();
    long lastModifiedSeconds = Math.floorDiv(file.mtime(), 1000);
    String lastModified =
        HTTP_DATE.format(Instant.ofEpochSecond(lastModifiedSeconds).atZone(ZoneOffset.UTC));
    if (notModified(headers, etag, lastModifiedSeconds)) {
      return Response.notModified()
          .header("ETag", etag)
          .header("Last-Modified", lastModified)
          .header("Cache-Control", cacheControl)
          .header("Accept-Ranges", "bytes")
          .build();
    }
    // a Range on HEAD is ignored (RFC 9110 defines ranges for GET only)
    String range = get ? headers.getHeaderString("Range") : null;
    if (range != null && !ifRangeHolds(headers.getHeaderString("If-Range"), etag, lastModified)) {
      range = null;
    }
    ByteRanges.Outcome outcome = ByteRanges.parse(range, file.size());
    if (outcome instanceof ByteRanges.Unsatisfiable) {
      return Response.status(416)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .header("Content-Range", "bytes */" + file.size())
          .header("Accept-Ranges", "bytes")
          .entity(
              ErrorBody.of(
                  "range_not_satisfiable",
                  "the range lies beyond the " + file.size() + " bytes of the audio",
                  null))
          .build();
    }
    long first = 0;
    long length = file.size();
    Response.ResponseBuilder response;
    if (outcome instanceof ByteRanges.Part part) {
      first = part.first();
      length = part.length();
      response = Response.status(206).header("Content-Range", part.contentRange(file.size()));
    } else {
      response = Response.ok();
    }
    response
        .type(mediaType(file.track().mediaType()))
        .header("Content-Length", length)
        .header("Accept-Ranges", "bytes")
        .header("ETag", etag)
        .header("Last-Modified", lastModified)
        .header("Cache-Control", cacheControl)
        .header("X-Content-Type-Options", "nosniff");
    if (get) {
      response.entity(fileBody(file, first, length));
    }
    return response.build();
  }

  private Response remote(
      StreamService.Remote remote, HttpHeaders headers, boolean get, String cacheControl) {
    String range = get ? headers.getHeaderString("Range") : null;
    OriginClient.Answer answer =
        streams.fetch(remote, get ? "GET" : "HEAD", range, headers.getHeaderString("If-Range"));
    if (answer.status() == 416) {
      answer.close();
      Response.ResponseBuilder refused =
          Response.status(416)
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(
                  ErrorBody.of(
                      "range_not_satisfiable", "the range lies beyond the end of the audio", null));
      copy(answer, refused, "Content-Range");
      return refused.build();
    }
    String originType = answer.header("Content-Type");
    MediaType type = mediaType(originType == null ? remote.track().mediaType() : originType);
    if (type.isWildcardType() || type.isWildcardSubtype()) {
      type = mediaType(remote.track().mediaType());
    }
    Response.ResponseBuilder response =
        Response.status(answer.status())
            .type(type)
            .header("Cache-Control", cacheControl)
            .header("X-Content-Type-Options", "nosniff");
    copy(answer, response, "Content-Length");
    copy(answer, response, "Content-Range");
    copy(answer, response, "Accept-Ranges");
    if (!get) {
      answer.close();
      return response.build();
    }
    return response.entity(relay(answer)).build();
  }

  private static void copy(
      OriginClient.Answer answer, Response.ResponseBuilder response, String header) {
    String value = answer.header(header);
    if (value != null) {
      response.header(header, value);
    }
  }

  /**
   * Sends {@code length} bytes from {@code first} on, a chunk at a time. A listener that goes away
   * (seeks, closes the tab) ends the transfer quietly: it is no error of the server's, and Jersey
   * would log a stack trace for every one.
   */
  private static StreamingOutput fileBody(StreamService.LocalFile file, long first, long length) {
    return out -> {
      try (FileChannel channel = FileChannel.open(file.file(), StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, length)));
        long position = first;
        long remaining = length;
        while (remaining > 0) {
          buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
          int n = channel.read(buffer, position);
          if (n < 0) {
            // the file shrank while it was sent: the connection ends short of Content-Length
            throw new IOException("the file ended early");
          }
          if (!write(out, buffer.array(), n)) {
            return;
          }
          position += n;
          remaining -= n;
        }
        flush(out);
      }
    };
  }

  /** Relays an origin's body as it arrives, and closes it (an early close aborts the transfer). */
  private static StreamingOutput relay(OriginClient.Answer answer) {
    return out -> {
      try (answer;
          InputStream in = answer.body()) {
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!write(out, buffer, n)) {
            return;
          }
        }
        flush(out);
      }
    };
  }

  /**
   * Sends what is buffered while the failure of a gone client can still be absorbed here; Jersey
   * would log it as an error when it closes the stream.
   */
  private static void flush(OutputStream out) {
    try {
      out.flush();
    } catch (IOException e) {
      // the client went away just before the end
    }
  }

  /** Writes; false when the client has gone away (the connection is closed then). */
  private static boolean write(OutputStream out, byte[] bytes, int n) {
    try {
      out.write(bytes, 0, n);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean notModified(HttpHeaders headers, String etag, long lastModifiedSeconds) {
    String ifNoneMatch = headers.getHeaderString("If-None-Match");
    if (ifNoneMatch != null) {
      // weak comparison, as RFC 9110 asks for If-None-Match
      for (String tag : ifNoneMatch.split(",")) {
        String t = tag.strip();
        if (t.equals("*") || opaque(t).equals(opaque(etag))) {
          return true;
        }
      }
      return false;
    }
    String since = headers.getHeaderString("If-Modified-Since");
    if (since != null) {
      try {
        long sinceSeconds = ZonedDateTime.parse(since.strip(), HTTP_DATE).toEpochSecond();
        return lastModifiedSeconds <= sinceSeconds;
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  /** If-Range: the range applies only to the representation the client already has a part of. */
  private static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      // strong comparison: a weak tag never matches
      return value.equals(etag);
    }
    try {
      return ZonedDateTime.parse(value, HTTP_DATE)
          .toInstant()
          .equals(ZonedDateTime.parse(lastModified, HTTP_DATE).toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private static MediaType mediaType(String value) {
    if (value == null || value.isBlank()) {
      return MediaType.APPLICATION_OCTET_STREAM_TYPE;
    }
    try {
      return MediaType.valueOf(value.strip());
    } catch (IllegalArgumentException e) {
      return MediaType.APPLICATION_OCTET_STREAM_TYPE;
    }
  }
}
