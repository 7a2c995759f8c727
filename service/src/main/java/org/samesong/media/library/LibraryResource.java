package org.samesong.media.library;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.media.Ffmpeg;
import org.samesong.media.library.api.FolderProblemJson;
import org.samesong.media.library.api.LibraryJson;
import org.samesong.media.library.api.ScanProgressJson;

/** {@code /api/admin/library}: the library folders, the scan's progress, and starting a scan. */
@Tag(name = "library")
@Path("/admin/library")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class LibraryResource {
  private final LibraryScanner scanner;
  private final Ffmpeg ffmpeg;

  public LibraryResource(LibraryScanner scanner, Ffmpeg ffmpeg) {
    this.scanner = scanner;
    this.ffmpeg = ffmpeg;
  }

  @GET
  @Operation(
      operationId = "getLibrary",
      summary = "The library folders and the scan's progress",
      description =
          "The configured folders (setting `library_folders`), those that cannot be scanned now,"
              + " the progress of the current or last scan, and the FFmpeg found at start.")
  @ApiResponse(responseCode = "200", description = "The library.", useReturnTypeSchema = true)
  public LibraryJson get() {
    return new LibraryJson(
        scanner.folders(),
        scanner.folderProblems().stream().map(FolderProblemJson::of).toList(),
        ScanProgressJson.of(scanner.progress()),
        ffmpeg.describe());
  }

  /** Starts a scan unless one runs: 202 with the progress of the scan that runs now. */
  @POST
  @Path("/scan")
  @Operation(
      operationId = "scanLibrary",
      summary = "Start a library scan",
      description = "One scan at a time: while one runs, this answers its progress.")
  @ApiResponse(
      responseCode = "202",
      description = "The progress of the scan that runs now.",
      content = @Content(schema = @Schema(implementation = ScanProgressJson.class)))
  public Response scan() {
    return Response.status(Response.Status.ACCEPTED)
        .entity(ScanProgressJson.of(scanner.startScan()))
        .build();
  }
}
