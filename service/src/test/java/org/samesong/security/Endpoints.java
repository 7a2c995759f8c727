package org.samesong.security;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.samesong.testing.TestServer;

/**
 * Every endpoint of the running application's REST API, read from Jersey's resource model of the
 * resources it registered, so that a resource added later is covered by the security tests without
 * anyone remembering to list it.
 */
final class Endpoints {
  private static final Pattern PARAM = Pattern.compile("\\{\\s*(\\w+)\\s*(:[^}]*)?}");

  private Endpoints() {}

  /**
   * One resource method.
   *
   * @param method HTTP method
   * @param template path under {@code /api}, with its parameters as {@code {name}}, e.g. {@code
   *     /sessions/{id}/playlist/{itemId}}
   * @param params the path parameters in the order they appear
   * @param roles {@code @RolesAllowed} of the method, else of its class
   * @param authenticated whether the token filter runs ({@code @RolesAllowed} or
   *     {@code @PermitAll})
   * @param takesBody whether the method reads an entity
   */
  record Endpoint(
      String method,
      String template,
      List<String> params,
      Set<String> roles,
      boolean authenticated,
      boolean takesBody) {

    /** {@code "POST /sessions/{id}/playlist"}: how the exemplars name it. */
    String key() {
      return method + " " + template;
    }

    boolean changesState() {
      return !Set.of("GET", "HEAD", "OPTIONS").contains(method);
    }

    /** The template with each parameter replaced by the value {@code values} gives for it. */
    String path(java.util.function.Function<String, String> values) {
      Matcher m = PARAM.matcher(template);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(values.apply(m.group(1))));
      }
      m.appendTail(out);
      return out.toString();
    }

    @Override
    public String toString() {
      return key();
    }
  }

  /** The endpoints of the application {@code app} runs, sorted by path and method. */
  static List<Endpoint> of(TestServer app) {
    Set<Class<?>> classes = new LinkedHashSet<>();
    var config = app.getEnvironment().jersey().getResourceConfig();
    for (Object instance : config.getInstances()) {
      classes.add(instance.getClass());
    }
    classes.addAll(config.getClasses());
    List<Endpoint> endpoints = new ArrayList<>();
    for (Class<?> cls : classes) {
      if (!cls.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
        continue;
      }
      Resource resource = Resource.from(cls);
      if (resource != null) {
        collect(resource, "", endpoints);
      }
    }
    endpoints.sort(Comparator.comparing(Endpoint::template).thenComparing(Endpoint::method));
    return List.copyOf(endpoints);
  }

  private static void collect(Resource resource, String prefix, List<Endpoint> out) {
    String path = join(prefix, resource.getPath());
    for (ResourceMethod m : resource.getResourceMethods()) {
      var handling = m.getInvocable().getHandlingMethod();
      Set<String> roles = new LinkedHashSet<>();
      RolesAllowed allowed = annotation(handling, handling.getDeclaringClass(), RolesAllowed.class);
      if (allowed != null) {
        roles.addAll(List.of(allowed.value()));
      }
      boolean permitAll =
          annotation(handling, handling.getDeclaringClass(), PermitAll.class) != null;
      boolean body =
          m.getInvocable().getParameters().stream()
              .anyMatch(p -> p.getSource() == Parameter.Source.ENTITY);
      out.add(
          new Endpoint(
              m.getHttpMethod(),
              path,
              params(path),
              Set.copyOf(roles),
              allowed != null || permitAll,
              body));
    }
    for (Resource child : resource.getChildResources()) {
      collect(child, path, out);
    }
  }

  private static <A extends java.lang.annotation.Annotation> A annotation(
      AnnotatedElement method, AnnotatedElement cls, Class<A> type) {
    A own = method.getAnnotation(type);
    return own != null ? own : cls.getAnnotation(type);
  }

  private static List<String> params(String template) {
    List<String> names = new ArrayList<>();
    Matcher m = PARAM.matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    return List.copyOf(names);
  }

  private static String join(String prefix, String path) {
    String p = path == null ? "" : path;
    if (!p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return prefix + p;
  }
}
