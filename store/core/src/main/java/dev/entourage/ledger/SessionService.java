package dev.entourage.ledger;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sessions: start (refused when over budget), end, kill, and reads. */
public final class SessionService {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private final LedgerContext ctx;

    SessionService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Opens a session for the agent, unless the agent is over budget on any scope that would apply (its day, week
     * and month, the task, the team's) or paused. The check and the insert are one write transaction.
     *
     * @param taskId null for work on no task
     * @param model  null when unknown; usage without {@code cost_usd} is then priced as an unknown model
     * @throws BudgetExceededException when a scope trips; carries the budget
     * @throws LedgerException         {@code not_found} for an agent or task the actor cannot see,
     *                                 {@code invalid_request} on {@code model} when the model has no price and the
     *                                 team refuses unpriced models
     */
    public SessionStart start(Actor actor, Ref agentRef, Long taskId, String model) {
        actor.mayWrite();
        String modelId = Text.optional("model", model, 200);
        SessionStart started = ctx.store.write(w -> {
            Instant now = ctx.clock.instant();
            Agent agent = LedgerContext.agent(w, actor, agentRef);
            Team team = LedgerContext.team(w, agent.teamId());
            Task task = taskId == null ? null : LedgerContext.task(w, actor, taskId);
            if (task != null && task.teamId() != agent.teamId()) {
                throw LedgerException.invalid("task_id", "task " + taskId + " belongs to another team");
            }
            if (modelId != null) {
                UnpricedModels.check(team, ctx.prices(), modelId, now);
            }
            w.expireHolds(team.id(), now);
            Budget budget = BudgetRules.evaluate(w, new Subjects(team, agent, task, null), now);
            if (budget.overBudget()) {
                throw new BudgetExceededException(BudgetRules.explain(agent.name(), budget), budget);
            }
            return new SessionStart(w.insertSession(agent, taskId, modelId, now), budget);
        });
        ctx.events.publish(new LedgerEvent.SessionChanged(started.session()));
        return started;
    }

    /**
     * Finds or creates the session of a coding agent's own session id (by agent, source and external id), without
     * a budget refusal: the work happens whether or not Entourage likes it, and hooks stop it. Used by the stdio
     * sidecar binding and {@code entourage run}.
     *
     * <p>Calling it again for the same origin returns the same session; an ended one is made active again (the
     * coding agent resumed it), a killed one stays killed. A new session goes on the origin's task: found by title in
     * the agent's team, else created there, except for an agent key, which may not create tasks (the session then
     * goes on no task).
     *
     * @param cwd       stored when given and none is stored yet (first non-null wins); may be null
     * @param gitBranch likewise
     * @throws LedgerException {@code invalid_request} ({@code entourage.agent}) when no agent is named for an admin
     *                         or the local owner, {@code not_found} for an agent the actor cannot see,
     *                         {@code forbidden} for another agent than an agent key's own
     */
    public Session openExternal(Actor actor, CaptureOrigin origin, String cwd, String gitBranch) {
        actor.mayWrite();
        java.util.Objects.requireNonNull(origin, "origin");
        String place = Text.optional("cwd", cwd, 4096);
        String branch = Text.optional("git_branch", gitBranch, 500);
        ExternalSessions.Opened opened = ctx.store.write(w -> ExternalSessions.open(w, actor, origin, place, branch,
                ctx.clock.instant(), true));
        if (opened.changed()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(opened.session()));
        }
        return opened.session();
    }

    /**
     * Ends a session; ending an ended or killed session changes nothing and returns it as it is. The session keeps
     * the reason it was stopped for, if it was.
     */
    public Session end(Actor actor, long sessionId) {
        actor.mayWrite();
        return close(actor, sessionId, SessionStatus.ENDED, null, null);
    }

    /**
     * Kills a session: from now on every answer for it says stop ({@code killed}); usage reported after the kill is
     * still recorded. Killing an ended or killed session changes nothing.
     *
     * @param reason what the person wrote, kept on the session as {@code stop_detail}; may be null
     * @throws LedgerException {@code forbidden} for an actor that is not an admin
     */
    public Session kill(Actor actor, long sessionId, String reason) {
        actor.mayAdminister();
        String why = Text.optional("reason", reason, 500);
        Session killed = close(actor, sessionId, SessionStatus.KILLED, Scope.KILLED.wireName(), why);
        if (killed.status() == SessionStatus.KILLED) {
            LOG.info("Session {} of {} killed{}", sessionId, killed.agentName(), why == null ? "" : ": " + why);
        }
        return killed;
    }

    public Session get(Actor actor, long sessionId) {
        return ctx.store.read(r -> LedgerContext.session(r, actor, sessionId));
    }

    /** An agent's sessions, newest first. */
    public List<Session> list(Actor actor, Ref agentRef, SessionQuery query) {
        return ctx.store.read(r -> r.sessions(LedgerContext.agent(r, actor, agentRef).id(), query));
    }

    /** The kind of a session list's cursor: the id of the last session of a page. */
    static final char CURSOR = 's';

    /**
     * One page of an agent's sessions, newest first: at most {@code limit} of {@code filter}'s, after
     * {@code cursor}'s (null for the newest).
     *
     * @throws LedgerException {@code invalid_request} on {@code limit} unless 1 to {@value PageCursor#MAX_LIMIT},
     *                         on {@code cursor} for one this list did not give
     */
    public SessionPage page(Actor actor, Ref agentRef, SessionStatus status, Long taskId, String cursor, int limit) {
        PageCursor.limit(limit);
        long[] after = PageCursor.parse(cursor, CURSOR, 1);
        List<Session> found = list(actor, agentRef, new SessionQuery(status, taskId, limit + 1,
                after == null ? null : after[0]));
        boolean more = found.size() > limit;
        List<Session> page = more ? found.subList(0, limit) : found;
        return new SessionPage(page, more ? PageCursor.of(CURSOR, page.get(limit - 1).id()) : null);
    }

    /** The sessions of every agent of {@code team} the actor sees, newest first, at most {@code query.limit()}. */
    public List<Session> listTeam(Actor actor, Ref team, SessionQuery query) {
        return ctx.store.read(r -> r.agents(LedgerContext.team(r, actor, team).id()).stream()
                .filter(actor::actsFor)
                .flatMap(agent -> r.sessions(agent.id(), query).stream())
                .sorted(java.util.Comparator.comparing(Session::startedAt).thenComparingLong(Session::id).reversed())
                .limit(query.limit()).toList());
    }

    private record Closed(Session session, boolean now) {
    }

    /** Closes an active session as {@code status} and publishes it; a closed one is returned as it is. */
    private Session close(Actor actor, long sessionId, SessionStatus status, String stopReason, String detail) {
        Closed closed = ctx.store.write(w -> {
            Session session = LedgerContext.session(w, actor, sessionId);
            if (!session.isActive()) {
                return new Closed(session, false);
            }
            Instant now = ctx.clock.instant();
            w.endSession(sessionId, status, now, stopReason, detail);
            w.releaseSessionHolds(sessionId, now);
            return new Closed(LedgerContext.session(w, actor, sessionId), true);
        });
        if (closed.now()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(closed.session()));
            if (closed.session().status() == SessionStatus.KILLED) {
                ctx.events.publish(new LedgerEvent.SessionKilled(closed.session(), closed.session().stopDetail()));
            }
        }
        return closed.session();
    }
}
