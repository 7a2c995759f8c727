package org.samesong.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import org.samesong.auth.TokenService;

/**
 * The JWT signing secret: SAMESONG_JWT_SECRET when set (every instance of a cluster needs the same
 * one), else a random secret generated once and kept in the data folder.
 */
public class JwtFactory {
  static final String SECRET_FILE = "jwt-secret";

  @JsonProperty private String secret = "";

  @JsonIgnore // not a setting: Dropwizard round-trips a default instance through JSON
  public boolean isConfigured() {
    return secret != null && !secret.isBlank();
  }

  public TokenService build(Path dataDir, Clock clock) {
    return new TokenService(secretBytes(dataDir), clock);
  }

  byte[] secretBytes(Path dataDir) {
    if (isConfigured()) {
      byte[] bytes = secret.strip().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < 32) {
        throw new IllegalArgumentException("SAMESONG_JWT_SECRET must be at least 32 bytes long");
      }
      return bytes;
    }
    Path file = dataDir.resolve(SECRET_FILE);
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(dataDir, "jwt", ".tmp");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the data folder's own permissions protect it
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(random));
        try {
          Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.deleteIfExists(tmp);
          if (!Files.exists(file)) {
            throw e;
          }
        }
      }
      return Base64.getDecoder().decode(Files.readString(file).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the JWT secret " + file, e);
    }
  }
}
