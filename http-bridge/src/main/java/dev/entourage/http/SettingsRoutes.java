package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.RestRequests;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.access.Principal;
import java.util.Map;

/**
 * The settings routes of SPEC §5: a team's and an agent's limits and pause state, new agents, and the team's tasks.
 * Each handler decodes strictly and calls one service method with the
 * caller's {@link dev.entourage.ledger.Actor}, which checks it inside its transaction; it encodes with
 * {@link SettingsJson}.
 */
final class SettingsRoutes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LedgerServices ledger;

    SettingsRoutes(LedgerServices ledger) {
        this.ledger = ledger;
    }

    /** Adds these routes to {@code router}, each with who may call it. */
    void addTo(Router router) {
        router.add("PATCH", "/settings/teams/{team_id}", Access.ADMIN, this::updateTeam)
                .add("PATCH", "/settings/agents/{agent_id}", Access.ADMIN, this::updateAgent)
                .add("POST", "/teams/{team_id}/agents", Access.ADMIN, this::createAgent)
                .add("POST", "/teams/{team_id}/tasks", Access.ADMIN, this::createTask)
                .add("GET", "/teams/{team_id}/tasks", Access.AUTHENTICATED, this::tasks)
                .add("GET", "/tasks/{task_id}", Access.AUTHENTICATED, this::task);
    }

    private Reply updateTeam(Call call) {
        call.query();
        TeamSettings settings = RestRequests.teamSettings(call.body());
        return Reply.ok(SettingsJson.team(ledger.settings().updateTeam(call.actor(), Ref.parse(call.path("team_id")),
                settings)));
    }

    private Reply updateAgent(Call call) {
        call.query();
        AgentSettings settings = RestRequests.agentSettings(call.body());
        return Reply.ok(SettingsJson.agent(ledger.settings().updateAgent(call.actor(), Ref.parse(call.path("agent_id")),
                settings)));
    }

    private Reply createAgent(Call call) {
        call.query();
        RestRequests.NewAgent request = RestRequests.newAgent(call.body());
        return Reply.created(SettingsJson.agent(ledger.settings().createAgent(call.actor(),
                Ref.parse(call.path("team_id")), request.name(), request.settings())));
    }

    private Reply createTask(Call call) {
        call.query();
        NewTask request = RestRequests.newTask(call.body());
        Task task = ledger.settings().createTask(call.actor(), Ref.parse(call.path("team_id")), request);
        return new Reply(201, SettingsJson.task(task), null, null,
                Map.of("Location", "/api/v1/tasks/" + task.id()));
    }

    private Reply tasks(Call call) {
        call.query();
        ObjectNode node = NODES.objectNode();
        ArrayNode tasks = node.putArray("tasks");
        ledger.reports().tasks(call.actor(), Ref.parse(call.path("team_id")))
                .forEach(t -> tasks.add(SettingsJson.task(t)));
        return Reply.ok(node);
    }

    private Reply task(Call call) {
        call.query();
        return Reply.ok(SettingsJson.task(ledger.reports().task(call.actor(), call.pathId("task_id"))));
    }
}
