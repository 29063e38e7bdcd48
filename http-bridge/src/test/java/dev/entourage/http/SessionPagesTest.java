package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session lists in pages: an agent's, the team's, and the dashboard's newest 50 with a cursor to the rest. */
class SessionPagesTest {
    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
        for (String name : List.of("eng-1", "eng-2")) {
            assertThat(h.admin("POST", "/api/v1/teams/default/agents", "{\"name\": \"" + name + "\"}").status())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long session(String agent) {
        return h.admin("POST", "/api/v1/agents/" + agent + "/sessions", "{}").json().get("id").asLong();
    }

    private List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("sessions").forEach(s -> ids.add(s.get("id").asLong()));
        return ids;
    }

    @Test
    void anAgentsSessionsComeInPagesThatNewSessionsDoNotShift() {
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(0, session("eng-1"));
        }
        JsonNode first = h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=2", null).json();
        assertThat(ids(first)).containsExactly(made.get(0), made.get(1));
        session("eng-1"); // a new session between pages is not in the older pages
        List<Long> seen = new ArrayList<>(ids(first));
        JsonNode page = first;
        while (!page.get("next_cursor").isNull()) {
            page = h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=2&cursor=" + page.get("next_cursor").asText(),
                    null).json();
            seen.addAll(ids(page));
        }
        assertThat(seen).containsExactlyElementsOf(made);
        assertThat(h.admin("GET", "/api/v1/agents/eng-1/sessions?limit=6", null).json().get("next_cursor").isNull())
                .isTrue();
    }

    @Test
    void badLimitsAndCursorsAreRefusedNamingThem() {
        String costsCursor = "YzoxOjI"; // "c:1:2", a costs cursor, not a session list's
        for (String route : List.of("/api/v1/agents/eng-1/sessions", "/api/v1/teams/default/sessions")) {
            for (String bad : List.of("limit=0", "limit=501", "limit=x")) {
                Harness.Answer answer = h.admin("GET", route + "?" + bad, null);
                assertThat(answer.status()).as(route + "?" + bad).isEqualTo(400);
                assertThat(answer.json().get("error").get("message").asText()).contains("limit");
            }
            for (String bad : List.of("garbage", costsCursor)) {
                Harness.Answer answer = h.admin("GET", route + "?cursor=" + bad, null);
                assertThat(answer.status()).as(route + "?cursor=" + bad).isEqualTo(400);
                assertThat(answer.json().get("error").get("message").asText()).contains("cursor");
            }
        }
    }

    @Test
    void theDashboardShowsTheNewest50ActiveSessionsAndTheTeamListReadsOn() {
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            made.add(0, session(i % 3 == 0 ? "eng-2" : "eng-1"));
        }
        long ended = session("eng-1");
        h.admin("POST", "/api/v1/sessions/" + ended + "/end", null);

        JsonNode page = h.admin("GET", "/api/v1/dashboard", null).json();
        assertThat(ids(page)).containsExactlyElementsOf(made.subList(0, 50));
        assertThat(page.get("active_session_count").asInt()).isEqualTo(53);
        JsonNode agents = page.get("agents");
        assertThat(agents.get(0).get("name").asText()).isEqualTo("eng-1");
        assertThat(agents.get(0).get("active_sessions").asInt()).isEqualTo(35);
        assertThat(agents.get(1).get("active_sessions").asInt()).isEqualTo(18);
        String more = page.get("sessions_next_cursor").asText();

        JsonNode rest = h.admin("GET", "/api/v1/teams/default/sessions?cursor=" + more, null).json();
        assertThat(ids(rest)).containsExactlyElementsOf(made.subList(50, 53));
        assertThat(rest.get("next_cursor").isNull()).isTrue();
        assertThat(ids(h.admin("GET", "/api/v1/teams/default/sessions?status=closed", null).json()))
                .containsExactly(ended);

        for (int i = 0; i < 3; i++) {
            h.admin("POST", "/api/v1/sessions/" + made.get(i) + "/end", null);
        }
        assertThat(h.admin("GET", "/api/v1/dashboard", null).json().get("sessions_next_cursor").isNull()).isTrue();
    }
}
