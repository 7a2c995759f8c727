package org.samesong.ui.shell;

import com.vaadin.flow.server.InitParameters;
import com.vaadin.flow.server.VaadinServlet;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.MutableServletContextHandler;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfoList;
import io.github.classgraph.ScanResult;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.annotation.HandlesTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.samesong.app.Services;
import org.samesong.app.WebUi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the Vaadin Flow application into Dropwizard's application context, next to Jersey
 * ({@code /api/*}) on the same Jetty. A plain servlet context lacks what a servlet container with
 * annotation scanning would give Vaadin, so this supplies it by hand:
 *
 * <ul>
 *   <li>Vaadin's {@link ServletContainerInitializer}s, each with the classes its {@link
 *       HandlesTypes} asks for, found by a ClassGraph scan that must include {@code com.vaadin}
 *       (Vaadin's internal lookup is built from it);
 *   <li>the {@code META-INF/resources} folders of every jar as the context's base resource;
 *   <li>an HTTP session handler (push uses the application's Jakarta WebSocket container);
 *   <li>the {@link VaadinServlet} at {@code /*} in production mode (prebuilt bundle, no Node).
 * </ul>
 */
public class VaadinWebUi implements WebUi {
  private static final Logger LOG = LoggerFactory.getLogger(VaadinWebUi.class);
  private static final String[] SCANNED = {"com.vaadin", "org.samesong.ui"};

  // the scan takes a second or two of start-up: it runs while the database is being migrated
  private final CompletableFuture<Map<ServletContainerInitializer, Set<Class<?>>>> scanned =
      CompletableFuture.supplyAsync(
          VaadinWebUi::scanInitializers,
          r -> {
            Thread t = new Thread(r, "vaadin-scan");
            t.setDaemon(true);
            t.start();
          });

  @Override
  public void install(Environment environment, Services services) {
    long start = System.nanoTime();
    MutableServletContextHandler context = environment.getApplicationContext();
    context.setAttribute(UiServices.ATTRIBUTE, services);
    context.setAttribute(
        UiServices.UPDATES_ATTRIBUTE,
        environment
            .lifecycle()
            .executorService("ui-updates-%d")
            .minThreads(2)
            .maxThreads(2)
            .build());
    // the GUI's session cookie: out of scripts' reach, not sent on cross-site requests, and
    // Secure whenever the page came over HTTPS (behind nginx: X-Forwarded-Proto)
    SessionHandler sessions = new SessionHandler();
    sessions.setHttpOnly(true);
    sessions.setSameSite(HttpCookie.SameSite.LAX);
    sessions.setSecureRequestOnly(true);
    context.setSessionHandler(sessions);
    context.setBaseResource(metaInfResources(context));
    addInitializers(context);
    // the Jakarta WebSocket container that push needs is configured by the application (the
    // sync endpoint lives in it too)

    ServletHolder vaadin = new ServletHolder("vaadin", VaadinServlet.class);
    vaadin.setAsyncSupported(true);
    vaadin.setInitOrder(1);
    vaadin.setInitParameter(InitParameters.SERVLET_PARAMETER_PRODUCTION_MODE, "true");
    vaadin.setInitParameter(InitParameters.SERVLET_PARAMETER_CLOSE_IDLE_SESSIONS, "true");
    context.addServlet(vaadin, "/*");
    LOG.info("Vaadin UI installed in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private void addInitializers(MutableServletContextHandler context) {
    scanned
        .join()
        .forEach(
            (sci, classes) ->
                context.addServletContainerInitializer(
                    new ServletContainerInitializerHolder(sci, classes.toArray(Class<?>[]::new))));
  }

  /** Vaadin's initializers with the classes each asks for (one classpath scan). */
  private static Map<ServletContainerInitializer, Set<Class<?>>> scanInitializers() {
    Map<ServletContainerInitializer, Set<Class<?>>> found = new LinkedHashMap<>();
    try (ScanResult scan =
        new ClassGraph().enableClassInfo().enableAnnotationInfo().acceptPackages(SCANNED).scan()) {
      for (ServletContainerInitializer sci :
          ServiceLoader.load(ServletContainerInitializer.class)) {
        if (sci.getClass().getName().startsWith("com.vaadin.")) {
          found.put(sci, handledTypes(sci, scan));
        }
      }
    }
    return found;
  }

  private static Set<Class<?>> handledTypes(ServletContainerInitializer sci, ScanResult scan) {
    HandlesTypes handles = sci.getClass().getAnnotation(HandlesTypes.class);
    if (handles == null) {
      return Collections.emptySet();
    }
    Set<Class<?>> classes = new LinkedHashSet<>();
    for (Class<?> type : handles.value()) {
      ClassInfoList found;
      if (type.isAnnotation()) {
        found = scan.getClassesWithAnnotation(type.getName());
      } else if (type.isInterface()) {
        found = scan.getClassesImplementing(type.getName());
      } else {
        found = scan.getSubclasses(type.getName());
      }
      classes.addAll(found.loadClasses(true));
    }
    return classes;
  }

  /** Every jar's {@code META-INF/resources} folder, combined, as servlet containers serve them. */
  private static Resource metaInfResources(MutableServletContextHandler context) {
    ResourceFactory factory = ResourceFactory.of(context);
    List<Resource> resources = new ArrayList<>();
    try {
      for (URL url :
          Collections.list(VaadinWebUi.class.getClassLoader().getResources("META-INF/resources"))) {
        Resource resource = factory.newResource(url.toURI());
        // jar URIs come back as jar:file:/x.jar!/…; Jetty warns about aliases unless it gets its
        // own normalised form
        resources.add(resource.isAlias() ? factory.newResource(resource.getRealURI()) : resource);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return ResourceFactory.combine(resources);
  }
}
