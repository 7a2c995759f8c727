package org.samesong.common;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every response carries: no content sniffing, no referrer to other sites; the GUI's pages
 * may not be framed by any page (a signed-in admin console inside someone else's iframe is a
 * click-jacking target). The API's JSON and audio are not pages: framing rules do not apply to
 * them.
 */
public class SecurityHeadersFilter implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (response instanceof HttpServletResponse http) {
      http.setHeader("X-Content-Type-Options", "nosniff");
      http.setHeader("Referrer-Policy", "same-origin");
      if (request instanceof HttpServletRequest r && !r.getRequestURI().startsWith("/api/")) {
        http.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
        http.setHeader("X-Frame-Options", "DENY");
      }
    }
    chain.doFilter(request, response);
  }
}
