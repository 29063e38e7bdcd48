package dev.entourage.ledger;

import java.util.Map;

/**
 * Who is acting, resolved once at the edge and checked by the use-case services inside their transactions.
 * Everything is team-scoped: what belongs to another team is {@code not_found} exactly as if it did not exist, so
 * ids of other teams reveal nothing. An agent key acts only for its own agent; a viewer only reads.
 */
public sealed interface Actor {
    /** The owner of the database on this machine: the CLI and the stdio sidecar. Acts in every team. */
    record Local() implements Actor {
    }

    /** A person (admin or viewer key, or a login) of one team. */
    record Person(long teamId, boolean admin) implements Actor {
    }

    /** An agent key, bound to one agent of one team. */
    record AgentKey(long teamId, long agentId) implements Actor {
    }

    static Actor local() {
        return new Local();
    }

    static Actor admin(long teamId) {
        return new Person(teamId, true);
    }

    static Actor viewer(long teamId) {
        return new Person(teamId, false);
    }

    static Actor agent(long teamId, long agentId) {
        return new AgentKey(teamId, agentId);
    }

    /** Whether this actor may see what belongs to team {@code teamId}. */
    default boolean sees(long teamId) {
        if (this instanceof Person p) {
            return p.teamId() == teamId;
        }
        if (this instanceof AgentKey a) {
            return a.teamId() == teamId;
        }
        return true;
    }

    /** Whether this actor may act for agent {@code agent} (its own, or any of its team's for a person). */
    default boolean actsFor(Agent agent) {
        if (this instanceof AgentKey a) {
            return a.agentId() == agent.id();
        }
        return sees(agent.teamId());
    }

    /** Refuses viewers: the call writes. */
    default void mayWrite() {
        if (this instanceof Person p && !p.admin()) {
            throw forbidden("a viewer may only read; this needs an admin or agent key");
        }
    }

    /** Refuses all but admins and the local owner: settings, tasks, keys and kills. */
    default void mayAdminister() {
        if (this instanceof AgentKey) {
            throw forbidden("an agent key cannot change limits, pause state, tasks, keys or kill sessions; "
                    + "this needs an admin");
        }
        if (this instanceof Person p && !p.admin()) {
            throw forbidden("a viewer may only read; this needs an admin");
        }
    }

    /** Refuses agent keys: team-wide reports and key lists are for people. */
    default void mayReadTeam() {
        if (this instanceof AgentKey) {
            throw forbidden("an agent key sees only its own agent; this needs an admin or viewer");
        }
    }

    private static LedgerException forbidden(String message) {
        return new LedgerException(ErrorCode.FORBIDDEN, message, Map.of(), null);
    }
}
