package dev.entourage.http;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.util.Map;

/**
 * What a caller may see inside its team (SPEC §5); which roles may call a route at all is its {@link Access}.
 * An agent key acts only for its own agent. Everything is team-scoped: what belongs to another team answers 404
 * exactly as if it did not exist, so ids of other teams reveal nothing.
 */
final class Guard {
    private final LedgerService ledger;

    Guard(LedgerService ledger) {
        this.ledger = ledger;
    }

    /** The agent {@code ref} (id or name) in the caller's team, which an agent key must be itself. */
    Agent agent(Principal p, String ref) {
        Agent agent;
        try {
            agent = ledger.agent(ref);
        } catch (LedgerException e) {
            throw e.code() == ErrorCode.NOT_FOUND ? agentNotFound(ref) : e;
        }
        if (agent.teamId() != p.teamId()) {
            throw agentNotFound(ref);
        }
        if (p.role() == Role.AGENT && agent.id() != p.agentId()) {
            throw forbidden("this key acts only for its own agent, not for agent '" + agent.name() + "'");
        }
        return agent;
    }

    /** The team {@code ref} (id or name), which must be the caller's. */
    Team team(Principal p, String ref) {
        Team team;
        try {
            team = ledger.team(ref);
        } catch (LedgerException e) {
            throw e.code() == ErrorCode.NOT_FOUND ? teamNotFound(ref) : e;
        }
        if (team.id() != p.teamId()) {
            throw teamNotFound(ref);
        }
        return team;
    }

    /** The session {@code id} in the caller's team, which must be an agent key's own. */
    Session session(Principal p, long id) {
        Session session = ledger.session(id);
        if (session.teamId() != p.teamId()) {
            throw LedgerException.notFound("session_id", "session " + id + " does not exist");
        }
        if (p.role() == Role.AGENT && session.agentId() != p.agentId()) {
            throw new LedgerException(ErrorCode.FORBIDDEN, "session " + id + " belongs to another agent",
                    Map.of("field", "session_id"), null);
        }
        return session;
    }

    /** The hold {@code id} in the caller's team, which must be an agent key's own. */
    BudgetHold hold(Principal p, String id) {
        BudgetHold hold = ledger.hold(id);
        if (hold.teamId() != p.teamId()) {
            throw LedgerException.notFound("hold_id", "hold '" + HttpFailure.printable(id) + "' does not exist");
        }
        if (p.role() == Role.AGENT && hold.agentId() != p.agentId()) {
            throw new LedgerException(ErrorCode.FORBIDDEN, "hold '" + HttpFailure.printable(id)
                    + "' belongs to another agent", Map.of("field", "hold_id"), null);
        }
        return hold;
    }

    /** The task {@code id} in the caller's team. */
    Task task(Principal p, long id) {
        Task task = ledger.task(id);
        if (task.teamId() != p.teamId()) {
            throw LedgerException.notFound("task_id", "task " + id + " does not exist");
        }
        return task;
    }

    private static LedgerException agentNotFound(String ref) {
        return LedgerException.notFound("agent", "agent '" + HttpFailure.printable(ref) + "' does not exist");
    }

    private static LedgerException teamNotFound(String ref) {
        return LedgerException.notFound("team", "team '" + HttpFailure.printable(ref) + "' does not exist");
    }

    /** The agent a call acts for: an agent key's own, none for people. */
    static Long actingAgent(Principal p) {
        return p.role() == Role.AGENT ? p.agentId() : null;
    }

    static LedgerException forbidden(String message) {
        return new LedgerException(ErrorCode.FORBIDDEN, message, Map.of(), null);
    }
}
