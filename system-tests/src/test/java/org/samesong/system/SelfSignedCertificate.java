package org.samesong.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate made by the shipped {@code deploy/make-cert.sh}, as an operator makes one, and
 * clients that trust exactly it: an {@link SSLContext} for Java clients (host names still checked)
 * and the public-key pin Chromium takes on its command line.
 */
public final class SelfSignedCertificate {
  public static final Path SCRIPT =
      Path.of("..", "deploy", "make-cert.sh").toAbsolutePath().normalize();

  private final Path dir;
  private final X509Certificate certificate;

  private SelfSignedCertificate(Path dir, X509Certificate certificate) {
    this.dir = dir;
    this.certificate = certificate;
  }

  /** Runs {@code make-cert.sh host dir}; fails with its output when it does not succeed. */
  public static SelfSignedCertificate make(Path dir, String host) {
    try {
      Process process =
          new ProcessBuilder("bash", SCRIPT.toString(), host, dir.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(SCRIPT + " " + host + " failed:\n" + output);
      }
      try (InputStream in = Files.newInputStream(dir.resolve("samesong.crt"))) {
        X509Certificate cert =
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        return new SelfSignedCertificate(dir, cert);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("make-cert.sh wrote an unreadable certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The folder holding {@code samesong.crt} and {@code samesong.key}. */
  public Path dir() {
    return dir;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** TLS that trusts this certificate alone (the JDK's default host name checks stay on). */
  public SSLContext sslContext() {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("samesong", certificate);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Base64 of the SHA-256 of the public key, for {@code --ignore-certificate-errors-spki-list}. */
  public String spkiSha256() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
