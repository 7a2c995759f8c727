package org.samesong.common;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request whose {@code Content-Type} cannot be parsed with 400 in the uniform error body.
 * Jersey reads that header before its runtime starts and answers a bad one with the servlet
 * container's error page, out of reach of the exception mappers.
 */
public class ContentTypeCheckFilter implements Filter {
  private static final byte[] BODY =
      ("{\"error\":{\"code\":\"invalid_content_type\",\"message\":"
              + "\"the Content-Type header cannot be read; send application/json\"}}")
          .getBytes(StandardCharsets.UTF_8);

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String contentType =
        request instanceof HttpServletRequest http ? http.getHeader("Content-Type") : null;
    if (contentType != null && !parses(contentType)) {
      HttpServletResponse http = (HttpServletResponse) response;
      http.setStatus(400);
      http.setContentType(MediaType.APPLICATION_JSON);
      http.setContentLength(BODY.length);
      http.getOutputStream().write(BODY);
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean parses(String contentType) {
    try {
      MediaType.valueOf(contentType);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
