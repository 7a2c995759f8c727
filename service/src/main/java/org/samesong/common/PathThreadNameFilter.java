package org.samesong.common;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.slf4j.MDC;

/**
 * Names a request's thread after its method and path while it runs, as Dropwizard's own filter
 * does, but without the query string: log lines show the thread, and a query may hold a stream
 * signature or a WebSocket token, which must never reach a log. Clears the logging context (the
 * session id {@link SessionLogContext} sets) when the request ends.
 */
public class PathThreadNameFilter implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Thread current = Thread.currentThread();
    String name = current.getName();
    if (request instanceof HttpServletRequest http) {
      current.setName(name + " - " + http.getMethod() + " " + http.getRequestURI());
    }
    try {
      chain.doFilter(request, response);
    } finally {
      current.setName(name);
      // the pooled thread's next request starts without this one's logging context
      MDC.clear();
    }
  }
}
