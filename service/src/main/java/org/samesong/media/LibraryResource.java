package org.samesong.media;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.media.api.FolderProblemJson;
import org.samesong.media.api.LibraryJson;
import org.samesong.media.api.ScanProgressJson;

/** {@code /api/admin/library}: the library folders, the scan's progress, and starting a scan. */
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
  public Response scan() {
    return Response.status(Response.Status.ACCEPTED)
        .entity(ScanProgressJson.of(scanner.startScan()))
        .build();
  }
}
