package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.http.json.RestRequests;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.TaskSpend;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.access.Principal;
import java.util.Map;

/**
 * The settings routes of SPEC §5: a team's and an agent's limits and pause state, new agents, and the team's tasks.
 * Each handler decodes strictly, resolves the path's objects within the caller's team ({@link Guard}), calls one
 * service method and encodes with {@link LedgerJson}.
 */
final class SettingsRoutes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LedgerService ledger;
    private final LedgerJson json;
    private final Guard guard;

    SettingsRoutes(LedgerService ledger, LedgerJson json, Guard guard) {
        this.ledger = ledger;
        this.json = json;
        this.guard = guard;
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
        Principal p = call.principal();
        call.query();
        TeamSettings settings = RestRequests.teamSettings(call.body());
        Team team = guard.team(p, call.path("team_id"));
        return Reply.ok(json.team(ledger.updateTeam(Long.toString(team.id()), settings)));
    }

    private Reply updateAgent(Call call) {
        Principal p = call.principal();
        call.query();
        AgentSettings settings = RestRequests.agentSettings(call.body());
        Agent agent = guard.agent(p, call.path("agent_id"));
        return Reply.ok(json.agent(ledger.updateAgent(Long.toString(agent.id()), settings)));
    }

    private Reply createAgent(Call call) {
        Principal p = call.principal();
        call.query();
        RestRequests.NewAgent request = RestRequests.newAgent(call.body());
        Team team = guard.team(p, call.path("team_id"));
        return Reply.created(json.agent(ledger.createAgent(Long.toString(team.id()), request.name(),
                request.dailyLimitMicros())));
    }

    private Reply createTask(Call call) {
        Principal p = call.principal();
        call.query();
        NewTask request = RestRequests.newTask(call.body());
        Team team = guard.team(p, call.path("team_id"));
        Task task = ledger.createTask(Long.toString(team.id()), request);
        return new Reply(201, json.task(task), null, null, Map.of("Location", "/api/v1/tasks/" + task.id()));
    }

    private Reply tasks(Call call) {
        call.query();
        Team team = guard.team(call.principal(), call.path("team_id"));
        ObjectNode node = NODES.objectNode();
        ArrayNode tasks = node.putArray("tasks");
        ledger.tasks(Long.toString(team.id())).forEach(t -> tasks.add(json.task(t)));
        return Reply.ok(node);
    }

    private Reply task(Call call) {
        call.query();
        long taskId = call.pathId("task_id");
        TaskSpend spend = ledger.taskSpend(taskId);
        if (spend.task().teamId() != call.principal().teamId()) {
            throw LedgerException.notFound("task_id", "task " + taskId + " does not exist");
        }
        return Reply.ok(json.task(spend));
    }
}
