package org.samesong.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Refuses request bodies in a coding the server cannot read (415; gzip is inflated before this) and
 * bodies over a limit with 413, whether or not they declare their length, before any resource runs:
 * a body of undeclared length (chunked) is read here, up to the limit, so that an endpoint that
 * never reads its body (an approval, a scan) cannot act on an oversized request.
 */
@PreMatching
public class BodySizeLimitFilter implements ContainerRequestFilter {
  private final long maxBytes;

  public BodySizeLimitFilter(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String encoding = request.getHeaderString("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.strip())) {
      // the server inflates gzip before this point and drops the header; any other coding is one
      // it cannot read, and taking its bytes as JSON would be a guess
      throw new ApiException(
          415,
          "unsupported_encoding",
          "the request body's Content-Encoding "
              + encoding.strip()
              + " is not supported; send gzip or no Content-Encoding",
          null,
          Map.of("Connection", "close"));
    }
    if (request.getLength() > maxBytes) {
      throw tooLarge();
    }
    if (request.getLength() < 0 && request.hasEntity()) {
      byte[] body;
      try {
        body =
            request.getEntityStream().readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE));
      } catch (IOException e) {
        throw new ApiException(400, "unreadable_body", "the request body could not be read");
      }
      if (body.length > maxBytes) {
        throw tooLarge();
      }
      request.setEntityStream(new ByteArrayInputStream(body));
      return;
    }
    // a declared length is held to by the server; counting guards against one that is not
    request.setEntityStream(new LimitedStream(request.getEntityStream()));
  }

  private ApiException tooLarge() {
    // The rest of the body stays unread, so the server drops the connection after answering; saying
    // so keeps clients from sending their next request on a connection that is going away.
    return new ApiException(
        413,
        "payload_too_large",
        "the request body is larger than " + maxBytes + " bytes",
        null,
        Map.of("Connection", "close"));
  }

  private final class LimitedStream extends FilterInputStream {
    private long read;

    LimitedStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      int n = super.read(buffer, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) {
      read += n;
      if (read > maxBytes) {
        throw tooLarge();
      }
    }
  }
}
