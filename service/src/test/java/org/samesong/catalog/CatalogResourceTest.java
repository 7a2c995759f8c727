package org.samesong.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.samesong.auth.RoleAuthorizer;
import org.samesong.common.ApiExceptionMapper;
import org.samesong.common.SamesongPrincipal;
import org.samesong.common.WebApplicationExceptionMapper;
import org.samesong.media.stream.StreamSigner;
import org.samesong.testing.ApiAssertions;
import org.samesong.testing.MutableClock;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;

/**
 * {@code GET /api/catalog/tracks} on the wire: the page and track shapes, who may search, and the
 * uniform 400 for bad paging. The bearer token of these tests is simply the role to act as.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CatalogResourceTest {
  private static final Set<String> ROLES = Set.of("admin", "user", "host", "guest");
  private static final TestDatabase DB = TestDatabase.h2();
  private static final MutableClock CLOCK = new MutableClock();
  private static final StreamSigner SIGNER = new StreamSigner(new byte[32], CLOCK);
  private static final CatalogService CATALOG = new CatalogService(DB.jdbi(), SIGNER, CLOCK);

  static final ResourceExtension API =
      ResourceExtension.builder()
          .addProvider(
              new AuthDynamicFeature(
                  new OAuthCredentialAuthFilter.Builder<SamesongPrincipal>()
                      .setAuthenticator(CatalogResourceTest::principal)
                      .setAuthorizer(new RoleAuthorizer())
                      .setPrefix("Bearer")
                      .buildAuthFilter()))
          .addProvider(RolesAllowedDynamicFeature.class)
          .addProvider(new ApiExceptionMapper())
          .addProvider(new WebApplicationExceptionMapper())
          .addResource(new CatalogResource(CATALOG))
          .build();

  private static Optional<SamesongPrincipal> principal(String role) {
    if (!ROLES.contains(role)) {
      return Optional.empty();
    }
    boolean member = role.equals("host") || role.equals("guest");
    return Optional.of(
        new SamesongPrincipal(
            "subject-" + role,
            role,
            member ? "session-1" : null,
            member ? "member-1" : null,
            "family-1"));
  }

  @AfterAll
  static void dropDatabase() {
    DB.close();
  }

  @BeforeEach
  void fillCatalog() {
    DB.jdbi().useHandle(h -> h.execute("DELETE FROM tracks"));
    for (int i = 1; i <= 3; i++) {
      CATALOG.upsertLibraryTrack(
          Path.of("/srv/music/track" + i + ".ogg"),
          "Track " + i,
          "Artist " + i,
          "Album",
          60_000L * i,
          "audio/ogg",
          1,
          1);
    }
  }

  private static Reply get(String role, String query) {
    WebTarget target = API.target("/catalog/tracks");
    for (String pair : query.replaceFirst("^\\?", "").split("&")) {
      if (!pair.isEmpty()) {
        String[] parts = pair.split("=", 2);
        target = target.queryParam(parts[0], parts.length > 1 ? parts[1] : "");
      }
    }
    Invocation.Builder request = target.request();
    if (role != null) {
      request = request.header("Authorization", "Bearer " + role);
    }
    return Reply.of(request.get());
  }

  @Test
  void a_search_returns_a_page_of_tracks_in_the_spec_shape() {
    Reply reply = get("guest", "?q=TRACK&limit=2&offset=0");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(ApiAssertions.fieldNames(body))
        .containsExactlyInAnyOrder("items", "total", "limit", "offset");
    assertThat(body.get("total").asLong()).isEqualTo(3);
    assertThat(body.get("limit").asInt()).isEqualTo(2);
    assertThat(body.get("offset").asInt()).isZero();
    assertThat(body.get("items")).hasSize(2);
    JsonNode first = body.get("items").get(0);
    assertThat(ApiAssertions.fieldNames(first))
        .containsExactlyInAnyOrder(
            "id", "title", "artist", "album", "duration_ms", "source", "media_type", "stream_url");
    assertThat(first.get("title").asText()).isEqualTo("Track 1");
    assertThat(first.get("duration_ms").asLong()).isEqualTo(60_000);
    assertThat(first.get("stream_url").asText())
        .startsWith("/api/tracks/" + first.get("id").asText() + "/stream?exp=");
    assertThat(reply.body()).doesNotContain("/srv/music");
  }

  @Test
  void without_parameters_the_first_twenty_tracks_are_listed() {
    Reply reply = get("user", "");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("limit").asInt()).isEqualTo(20);
    assertThat(reply.json().get("offset").asInt()).isZero();
    assertThat(reply.json().get("items")).hasSize(3);
    assertThat(get("user", "?q=&limit=&offset=").json().get("items")).hasSize(3);
  }

  @Test
  void accounts_and_session_members_may_search_and_nobody_else() {
    for (String role : ROLES) {
      assertThat(get(role, "?q=track").status()).as(role).isEqualTo(200);
    }
    // the status only: the body of a 401 comes from the real TokenAuthFilter, not this test's
    assertThat(get(null, "?q=track").status()).isEqualTo(401);
    assertThat(get("stranger", "?q=track").status()).isEqualTo(401);
  }

  @Test
  void bad_paging_and_long_queries_get_a_400_naming_the_field() {
    ApiAssertions.assertBadField(get("user", "?limit=abc"), "limit");
    ApiAssertions.assertBadField(get("user", "?limit=1.5"), "limit");
    ApiAssertions.assertBadField(get("user", "?limit=0"), "limit");
    ApiAssertions.assertBadField(get("user", "?limit=101"), "limit");
    ApiAssertions.assertBadField(get("user", "?limit=99999999999999999999"), "limit");
    ApiAssertions.assertBadField(get("user", "?offset=-1"), "offset");
    ApiAssertions.assertBadField(get("user", "?offset=x"), "offset");
    ApiAssertions.assertBadField(get("user", "?offset=1000001"), "offset");
    ApiAssertions.assertBadField(get("user", "?q=" + "a".repeat(201)), "q");
  }

  @Test
  void every_word_of_the_query_must_match_title_artist_or_album() {
    JsonNode body = get("user", "?q=ARTIST%203%20track").json();

    assertThat(body.get("total").asLong()).isEqualTo(1);
    assertThat(body.get("items").get(0).get("title").asText()).isEqualTo("Track 3");
    assertThat(get("user", "?q=album%20nothing").json().get("total").asLong()).isZero();
  }

  @Test
  void wildcards_in_the_query_match_only_themselves() {
    assertThat(get("user", "?q=%").json().get("total").asLong()).isZero();
    assertThat(get("user", "?q=_").json().get("total").asLong()).isZero();
    assertThat(get("user", "?q=k 2").json().get("items").get(0).get("title").asText())
        .isEqualTo("Track 2");
  }
}
