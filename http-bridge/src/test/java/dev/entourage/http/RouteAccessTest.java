package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every REST route declares who may call it, and each {@link Access} admits exactly its roles (the answers over HTTP,
 * one forbidden case per access, are in {@link AuthTest}). Only the declarations are read: no service is needed.
 */
class RouteAccessTest {
    private static final Principal ADMIN = new Principal(Role.ADMIN, 1, null, "admin");
    private static final Principal VIEWER = new Principal(Role.VIEWER, 1, null, "viewer");
    private static final Principal AGENT = new Principal(Role.AGENT, 1, 7L, "agent");

    @Test
    void everyRouteDeclaresWhoMayCallIt() {
        Router router = RestRoutes.router(null, null, null, new LedgerJson(Clock.systemUTC()),
                new ReportJson(Clock.systemUTC()));
        assertThat(router.routes()).containsExactlyInAnyOrder(
                route("POST", "/agents/{agent_id}/sessions", Access.WRITERS),
                route("GET", "/agents/{agent_id}/sessions", Access.AUTHENTICATED),
                route("POST", "/sessions/{session_id}/usage", Access.WRITERS),
                route("GET", "/sessions/{session_id}/usage", Access.AUTHENTICATED),
                route("POST", "/sessions/{session_id}/end", Access.WRITERS),
                route("GET", "/sessions/{session_id}", Access.AUTHENTICATED),
                route("POST", "/sessions/{session_id}/kill", Access.ADMIN),
                route("GET", "/agents/{agent_id}/budget", Access.AUTHENTICATED),
                route("POST", "/agents/{agent_id}/budget/holds", Access.WRITERS),
                route("GET", "/holds/{hold_id}", Access.AUTHENTICATED),
                route("DELETE", "/holds/{hold_id}", Access.WRITERS),
                route("PATCH", "/settings/teams/{team_id}", Access.ADMIN),
                route("PATCH", "/settings/agents/{agent_id}", Access.ADMIN),
                route("POST", "/teams/{team_id}/agents", Access.ADMIN),
                route("POST", "/teams/{team_id}/tasks", Access.ADMIN),
                route("GET", "/teams/{team_id}/tasks", Access.AUTHENTICATED),
                route("GET", "/tasks/{task_id}", Access.AUTHENTICATED),
                route("GET", "/teams/{team_id}/costs", Access.PEOPLE),
                route("GET", "/teams/{team_id}/alerts", Access.PEOPLE),
                route("GET", "/dashboard", Access.PEOPLE),
                route("GET", "/teams/{team_id}/spend", Access.PEOPLE),
                route("POST", "/prices/reload", Access.ADMIN),
                route("GET", "/prices/{model}", Access.AUTHENTICATED),
                route("GET", "/teams/{team_id}/sessions", Access.PEOPLE),
                route("POST", "/auth/login", Access.PUBLIC),
                route("POST", "/auth/keys", Access.ADMIN),
                route("GET", "/auth/keys", Access.PEOPLE),
                route("DELETE", "/auth/keys/{key_id}", Access.ADMIN));
    }

    @Test
    void eachAccessAdmitsExactlyItsRoles() {
        assertAdmits(Access.PUBLIC, null, ADMIN, VIEWER, AGENT);
        assertAdmits(Access.AUTHENTICATED, ADMIN, VIEWER, AGENT);
        assertAdmits(Access.WRITERS, ADMIN, AGENT);
        assertAdmits(Access.PEOPLE, ADMIN, VIEWER);
        assertAdmits(Access.ADMIN, ADMIN);
        for (Access access : List.of(Access.AUTHENTICATED, Access.WRITERS, Access.PEOPLE, Access.ADMIN)) {
            assertThatThrownBy(() -> access.check(null)).isInstanceOfSatisfying(LedgerException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        }
    }

    private static Router.Declared route(String method, String template, Access access) {
        return new Router.Declared(method, template, access);
    }

    private static void assertAdmits(Access access, Principal... admitted) {
        List<Principal> in = Arrays.asList(admitted);
        for (Principal p : in) {
            assertThatCode(() -> access.check(p)).as(access + " admits " + p).doesNotThrowAnyException();
        }
        for (Principal p : List.of(ADMIN, VIEWER, AGENT)) {
            if (!in.contains(p)) {
                assertThatThrownBy(() -> access.check(p)).as(access + " refuses " + p)
                        .isInstanceOfSatisfying(LedgerException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            }
        }
    }

}
