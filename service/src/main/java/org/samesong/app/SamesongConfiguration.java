package org.samesong.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code config.yml}: infrastructure only; everything a person tunes lives in the settings. */
public class SamesongConfiguration extends Configuration {
  @NotBlank @JsonProperty private String dataDir = "./data";

  @Valid @NotNull @JsonProperty private DatabaseConfig database = new DatabaseConfig();

  @Valid @NotNull @JsonProperty private JwtFactory jwt = new JwtFactory();

  @Valid @NotNull @JsonProperty private BootstrapAdmin bootstrapAdmin = new BootstrapAdmin();

  /** Seeds the {@code public_url} setting (SAMESONG_PUBLIC_URL). */
  @JsonProperty private String publicUrl = "";

  /** Seeds the {@code library_folders} setting (SAMESONG_LIBRARY, ':'-separated). */
  @JsonProperty private String library = "";

  /** SAMESONG_REDIS_URL; empty means the in-process event bus. */
  @JsonProperty private String redisUrl = "";

  @Min(1024)
  @JsonProperty
  private long maxRequestBytes = 1_048_576;

  public Path dataDir() {
    return Path.of(dataDir);
  }

  public DatabaseConfig database() {
    return database;
  }

  public JwtFactory jwt() {
    return jwt;
  }

  public BootstrapAdmin bootstrapAdmin() {
    return bootstrapAdmin;
  }

  public String publicUrl() {
    return publicUrl == null ? "" : publicUrl.strip();
  }

  public List<String> libraryFolders() {
    if (library == null || library.isBlank()) {
      return List.of();
    }
    return Arrays.stream(library.split(":")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  public String redisUrl() {
    return redisUrl == null ? "" : redisUrl.strip();
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }
}
