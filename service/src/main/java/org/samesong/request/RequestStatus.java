package org.samesong.request;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a guest request stands: {@code pending} until the host approves or denies it, its author
 * cancels it, or it expires with the playlist item it targets. The one list of the status words:
 * the service, the API's JSON and its {@code status} filter, the {@code requests.status} column,
 * the outcomes the service records in the metrics and the guest view all take them from here.
 */
public enum RequestStatus {
  PENDING,
  APPROVED,
  DENIED,
  CANCELLED,
  EXPIRED;

  /** What every guest may see of other guests' requests: the decisions, not the withdrawn ones. */
  public static final Set<RequestStatus> PUBLIC = Set.of(APPROVED, DENIED, EXPIRED);

  /**
   * The word on the wire, in the database and in the metrics: {@code pending}, {@code approved}…
   */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status a word names, if any. */
  public static Optional<RequestStatus> of(String word) {
    return Arrays.stream(values()).filter(s -> s.word().equals(word)).findFirst();
  }

  /** Every word, in order: "pending, approved, denied, cancelled, expired". */
  public static String words() {
    return Arrays.stream(values()).map(RequestStatus::word).collect(Collectors.joining(", "));
  }

  /** The words of {@code statuses}, for a query's {@code IN} list. */
  public static List<String> words(Set<RequestStatus> statuses) {
    return statuses.stream().map(RequestStatus::word).sorted().toList();
  }
}
