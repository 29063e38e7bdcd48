package dev.entourage.ledger;

import dev.entourage.ledger.events.LedgerEvents;
import dev.entourage.ledger.pricing.PriceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What every use-case service shares: the store, the prices, the clock, the event bus, and the lookups that
 * resolve an id within what an {@link Actor} may see. A lookup of something in another team fails exactly as a
 * lookup of something that does not exist.
 */
final class LedgerContext {
    final LedgerStore store;
    final PriceSource prices;
    final Clock clock;
    final Duration holdTtl;
    final EventIds eventIds;
    final LedgerEvents events;

    LedgerContext(LedgerStore store, PriceSource prices, Clock clock, Duration holdTtl, LedgerEvents events) {
        this.store = Objects.requireNonNull(store, "store");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.holdTtl = Objects.requireNonNull(holdTtl, "holdTtl");
        if (holdTtl.isNegative() || holdTtl.isZero()) {
            throw new IllegalArgumentException("holdTtl must be positive");
        }
        this.events = Objects.requireNonNull(events, "events");
        this.eventIds = new EventIds(clock);
    }

    /** The price table in force now (a reload swaps it whole). */
    PriceTable prices() {
        return prices.table();
    }

    static Team team(LedgerReader r, Actor actor, Ref ref) {
        Objects.requireNonNull(ref, "team");
        return (ref.id() != null ? r.team(ref.id()) : r.teamByName(ref.name()))
                .filter(team -> actor.sees(team.id()))
                .orElseThrow(() -> noSuchTeam(ref));
    }

    /** {@code not_found} for a team, saying how to create it when it was named. */
    static LedgerException noSuchTeam(Ref ref) {
        return LedgerException.notFound("team", "team " + ref.describe() + " does not exist" + (ref.name() == null
                ? "" : "; create it with `entourage teams set " + ref.describe() + "`"));
    }

    /** {@code not_found} for an agent, saying how to create it when it was named. */
    static LedgerException noSuchAgent(Ref ref) {
        return LedgerException.notFound("agent", "agent " + ref.describe() + " does not exist" + (ref.name() == null
                ? "; `entourage agents list` shows the agents" : "; create it with `entourage agents set "
                + ref.describe() + "` or POST /api/v1/teams/{team_id}/agents"));
    }

    /** The team of something the caller may already see (an agent's or a session's). */
    static Team team(LedgerReader r, long id) {
        return r.team(id).orElseThrow(() -> LedgerException.notFound("team", "team " + id + " does not exist"));
    }

    /**
     * The agent {@code ref} as {@code actor} sees it.
     *
     * @throws LedgerException {@code not_found} when it does not exist or is another team's, {@code forbidden}
     *                         when an agent key names another agent of its team
     */
    static Agent agent(LedgerReader r, Actor actor, Ref ref) {
        Objects.requireNonNull(ref, "agent");
        Agent agent = (ref.id() != null ? r.agent(ref.id()) : r.agentByName(ref.name()))
                .filter(a -> actor.sees(a.teamId()))
                .orElseThrow(() -> noSuchAgent(ref));
        if (!actor.actsFor(agent)) {
            throw forbidden("agent", "this key acts only for its own agent, not for agent '" + agent.name() + "'");
        }
        return agent;
    }

    /** The agent of something the caller may already see. */
    static Agent agent(LedgerReader r, long id) {
        return r.agent(id).orElseThrow(() -> LedgerException.notFound("agent", "agent " + id + " does not exist"));
    }

    /** The task {@code id} in a team {@code actor} sees. */
    static Task task(LedgerReader r, Actor actor, long id) {
        return r.task(id).filter(task -> actor.sees(task.teamId()))
                .orElseThrow(() -> LedgerException.notFound("task_id", "task " + id + " does not exist"));
    }

    /** The session {@code id} in a team {@code actor} sees, which must be an agent key's own. */
    static Session session(LedgerReader r, Actor actor, long id) {
        Session session = r.session(id).filter(s -> actor.sees(s.teamId()))
                .orElseThrow(() -> LedgerException.notFound("session_id", "session " + id + " does not exist"));
        if (actor instanceof Actor.AgentKey a && a.agentId() != session.agentId()) {
            throw forbidden("session_id", "session " + id + " belongs to another agent");
        }
        return session;
    }

    /**
     * The sessions {@code ids} in teams {@code actor} sees, read at once, in the order of {@code ids}, checked as
     * {@link #session(LedgerReader, Actor, long)} checks one.
     */
    static java.util.List<Session> sessions(LedgerReader r, Actor actor, java.util.List<Long> ids) {
        java.util.Map<Long, Session> found = r.sessionsById(ids);
        java.util.List<Session> sessions = new java.util.ArrayList<>(ids.size());
        for (long id : ids) {
            Session session = found.get(id);
            if (session == null || !actor.sees(session.teamId())) {
                throw LedgerException.notFound("session_id", "session " + id + " does not exist");
            }
            if (actor instanceof Actor.AgentKey a && a.agentId() != session.agentId()) {
                throw forbidden("session_id", "session " + id + " belongs to another agent");
            }
            sessions.add(session);
        }
        return sessions;
    }

    /** The hold {@code id} in a team {@code actor} sees, which must be an agent key's own. */
    static BudgetHold hold(LedgerReader r, Actor actor, String holdId) {
        String id = Text.required("hold_id", holdId, 200);
        BudgetHold hold = r.hold(id).filter(h -> actor.sees(h.teamId()))
                .orElseThrow(() -> LedgerException.notFound("hold_id", "hold " + Ref.name(id).describe()
                        + " does not exist"));
        if (actor instanceof Actor.AgentKey a && a.agentId() != hold.agentId()) {
            throw forbidden("hold_id", "hold " + Ref.name(id).describe() + " belongs to another agent");
        }
        return hold;
    }

    /** The subjects of a budget: the agent's team, the agent, the task and the session. */
    static Subjects subjects(LedgerReader r, Agent agent, Task task, Session session) {
        return new Subjects(team(r, agent.teamId()), agent, task, session);
    }

    static LedgerException forbidden(String field, String message) {
        return new LedgerException(ErrorCode.FORBIDDEN, message, Map.of("field", field), null);
    }
}
