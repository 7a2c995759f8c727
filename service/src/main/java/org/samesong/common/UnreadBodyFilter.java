package org.samesong.common;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An answer given before the request's body was read (a 401 to a request without a token, a 403, a
 * 404 of an unknown path) would leave the body's bytes on the connection: the server then drops a
 * kept-alive connection mid-request, and a client sending its next request on it fails. So the rest
 * of a body that is within the size limit is read and discarded before such an answer; when that is
 * not possible, the answer says {@code Connection: close}.
 */
public class UnreadBodyFilter implements ContainerResponseFilter {
  private final long maxBytes;

  @Context private HttpServletRequest servletRequest;

  public UnreadBodyFilter(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() < 400 || servletRequest == null) {
      return;
    }
    long length = request.getLength();
    if (length <= 0 || response.getHeaders().containsKey("Connection")) {
      return; // no declared body (a chunked one is read up front), or it is closing already
    }
    try {
      ServletInputStream in = servletRequest.getInputStream();
      if (in.isFinished()) {
        return;
      }
      if (length > maxBytes) {
        response.getHeaders().putSingle("Connection", "close");
        return;
      }
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      response.getHeaders().putSingle("Connection", "close");
    }
  }
}
