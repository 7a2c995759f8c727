package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Item 4 of the outside review, as it tried it: beside a host called "carol", the joins {@code
 * carol\u200b}, {@code c\u0430rol} (Cyrillic a) and {@code \u202elorac} were accepted, {@code
 * evil\u202egnp.exe} showed as "evilexe.png" and {@code \u200b\u200b} as an empty name. Each is
 * refused now (400 for invisible or direction characters, 409 for a name that looks like one
 * taken), and the member list stays as it was. The rules themselves are tested in {@code
 * session/DisplayNames*}.
 */
class ImpersonationIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  @Test
  void look_alike_invisible_and_reversed_names_are_refused_and_nobody_joins() {
    SessionFixtures fx = SessionFixtures.of(APP);
    Host host = fx.newSession();
    assertThat(fx.join(host.code(), "carol").status()).isEqualTo(200);
    List<String> before = names(host);

    List<String> accepted = new ArrayList<>();
    for (String name :
        List.of(
            "carol\u200b",
            "c\u0430rol",
            "\u202elorac",
            "evil\u202egnp.exe",
            "\u200b\u200b",
            "CAROL",
            "caro\u0142",
            "car\u200dol")) {
      Reply reply = fx.join(host.code(), name);
      if (reply.status() == 200) {
        accepted.add(name);
      } else {
        assertThat(reply.status()).as("%s: %s", name, reply).isIn(400, 409);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asText()).isIn("invalid_display_name", "display_name_taken");
      }
    }

    // "caro\u0142" (Polish l with stroke) is another name, not a look-alike: the only one taken
    assertThat(accepted).containsExactly("caro\u0142");
    List<String> after = names(host);
    assertThat(after).hasSize(before.size() + 1).containsAll(before);
  }

  private static List<String> names(Host host) {
    List<String> names = new ArrayList<>();
    APP.get("sessions/" + host.sessionId(), host.token())
        .json()
        .path("members")
        .forEach(m -> names.add(m.path("display_name").asText()));
    return names;
  }
}
