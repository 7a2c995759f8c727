package org.samesong.app;

import ch.qos.logback.access.jetty.RequestLogImpl;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import org.eclipse.jetty.server.RequestLog;

/**
 * Dropwizard's logback-access request log (the {@code server.requestLog} of config.yml, appenders
 * unchanged) without the two false version warnings that logback-access 2.0.9 printed at every
 * start. Its start compares the versions of its modules, and both readings fail although the
 * versions match (logback-access-common and -jetty12 are both 2.0.9, built for the logback-core
 * 1.5.26 that Dropwizard 5.0.1 brings, and no newer pair is in the Maven repository here):
 *
 * <ul>
 *   <li>the jetty12 module's version comes from its jar's manifest, which the shaded samesong.jar
 *       replaces with its own, so it reads "?" ("Versions of logback-access-common and
 *       logback-access-jetty12 are different!");
 *   <li>the logback-core version it expects comes from {@code
 *       logback-access-common-dependencies.properties}, while the jar ships that file as {@code
 *       …-dependees.properties}, so it reads "?" too ("Expected version of logback-core is ?").
 * </ul>
 *
 * <p>So the request log's own status dump (the "|-INFO"/"|-WARN" lines) is switched off, and every
 * warning or error but these two is printed as before.
 */
class AccessLogFactory extends LogbackAccessRequestLogFactory {

  /** The same appenders as {@code configured}. */
  static AccessLogFactory of(LogbackAccessRequestLogFactory configured) {
    AccessLogFactory factory = new AccessLogFactory();
    factory.setAppenders(configured.getAppenders());
    return factory;
  }

  @Override
  public RequestLog build(String name) {
    RequestLog log = super.build(name);
    if (log instanceof RequestLogImpl impl) {
      impl.setQuiet(true);
      impl.getStatusManager().add(new ButVersionCheck());
    }
    return log;
  }

  /** Prints warnings and errors as the status dump would, except the version check's. */
  static final class ButVersionCheck implements StatusListener {
    @Override
    public void addStatusEvent(Status status) {
      if (status.getEffectiveLevel() >= Status.WARN && !isVersionCheck(status.getMessage())) {
        System.out.println(status);
      }
    }

    static boolean isVersionCheck(String message) {
      return message != null
          && (message.startsWith("Versions of logback-access-common and ")
              || message.startsWith("Expected version of logback-core is "));
    }
  }
}
