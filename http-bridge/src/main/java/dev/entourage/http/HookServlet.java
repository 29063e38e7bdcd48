package dev.entourage.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.hooks.ClaudeCodeHookDoor;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Text;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /hooks/claude-code}: Claude Code's {@code type: "http"} hooks, behind the same gate (credentials, rate
 * limit) as the REST routes. An agent key acts for its agent; an admin key names the agent in
 * {@value #AGENT_HEADER} (and may name a task in {@value #TASK_HEADER}). A decided call is always 200 with Claude
 * Code's hook output; bad credentials or input are answered 401, 403, 400 or 404 in the error shape, which Claude
 * Code treats as a non-blocking error.
 */
final class HookServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/hooks/claude-code";
    static final String AGENT_HEADER = "X-Entourage-Agent";
    static final String TASK_HEADER = "X-Entourage-Task";

    private final transient ClaudeCodeHookDoor door;
    private final transient Errors errors;

    HookServlet(ClaudeCodeHookDoor door, Errors errors) {
        this.door = door;
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode answer;
        try {
            if (!request.getMethod().equals("POST")) {
                throw HttpFailure.methodNotAllowed(request.getMethod(), PATH, "POST");
            }
            Principal principal = Gate.principal(request).orElse(null);
            Access.WRITERS.check(principal);
            Call call = new Call(request, principal, Map.of());
            Actor actor = call.actor();
            String agent = Text.optional(AGENT_HEADER, call.header(AGENT_HEADER), 200);
            if (agent == null && !(actor instanceof Actor.AgentKey)) {
                throw LedgerException.invalid(AGENT_HEADER, "must name the agent when the key is an admin key (an "
                        + "agent key needs none)");
            }
            String task = Text.optional(TASK_HEADER, call.header(TASK_HEADER), 200);
            JsonNode body = call.body();
            if (body == null) {
                throw LedgerException.invalid("body", "is required: Claude Code's hook input JSON");
            }
            answer = door.answer(actor, body, agent == null ? null : Ref.parse(agent), task);
        } catch (RuntimeException e) {
            Responses.drainBody(request, response);
            Responses.error(response, errors, Errors.forClient(e, request.getMethod(), PATH));
            return;
        }
        Responses.drainBody(request, response);
        Responses.json(response, 200, answer);
    }
}
