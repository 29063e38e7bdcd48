package dev.entourage.ledger;

import dev.entourage.ledger.capture.CaptureOrigin;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions of coding agents found by their own session id: which agent the origin means for the actor, and
 * find-or-create (never refused for budget), shared by sessions, capture and hooks.
 */
final class ExternalSessions {
    private ExternalSessions() {
    }

    /**
     * A session found or opened.
     *
     * @param changed true when it was created or reopened (the caller publishes it)
     * @param warning what the caller should hear about it (a task an agent key could not create), or null
     */
    record Opened(Session session, boolean changed, String warning) {
    }

    /** The agent {@code origin} means: the one named, else an agent key's own. */
    static Agent agent(LedgerReader r, Actor actor, CaptureOrigin origin) {
        if (origin.agent() != null) {
            return LedgerContext.agent(r, actor, origin.agent());
        }
        if (actor instanceof Actor.AgentKey key) {
            return LedgerContext.agent(r, key.agentId());
        }
        throw LedgerException.invalid("entourage.agent", "is required with an admin key or on this machine: name the "
                + "agent in the resource attribute entourage.agent, the X-Entourage-Agent header or --agent");
    }

    static Optional<Session> find(LedgerReader r, Actor actor, CaptureOrigin origin) {
        Agent agent = agent(r, actor, origin);
        return r.sessionByExternalId(agent.id(), origin.source().wireName(), origin.externalSessionId());
    }

    /**
     * The session of {@code origin}, created when new (on the named task, created in the agent's team when unknown
     * and the actor may create tasks). {@code reopen}: an ended session becomes active again (a resumed session).
     * {@code cwd} and {@code gitBranch} are stored when given and none is stored yet.
     */
    static Opened open(LedgerWriter w, Actor actor, CaptureOrigin origin, String cwd, String gitBranch, Instant now,
                       boolean reopen) {
        return open(w, actor, agent(w, actor, origin), origin, cwd, gitBranch, now, reopen);
    }

    /** As the other {@code open}, for its agent, found already. */
    static Opened open(LedgerWriter w, Actor actor, Agent agent, CaptureOrigin origin, String cwd, String gitBranch,
                       Instant now, boolean reopen) {
        Optional<Session> found = w.sessionByExternalId(agent.id(), origin.source().wireName(),
                origin.externalSessionId());
        boolean changed = false;
        String warning = null;
        Session session;
        if (found.isPresent()) {
            session = found.get();
            if (reopen && session.status() == SessionStatus.ENDED) {
                w.reopenSession(session.id());
                changed = true;
            }
        } else {
            Task task = null;
            if (origin.taskName() != null) {
                task = w.taskByTitle(agent.teamId(), origin.taskName()).orElse(null);
                if (task == null && actor instanceof Actor.AgentKey) {
                    warning = "entourage.task: task '" + origin.taskName() + "' does not exist and an agent key cannot "
                            + "create tasks; the session of " + origin.externalSessionId() + " is on no task";
                } else if (task == null) {
                    task = w.insertTask(agent.teamId(), new NewTask(origin.taskName(), null, null, List.of(), null),
                            null, now);
                }
            }
            session = w.insertExternalSession(agent, task == null ? null : task.id(), origin.source().wireName(),
                    origin.externalSessionId(), now);
            changed = true;
        }
        if ((cwd != null && session.capture().cwd() == null)
                || (gitBranch != null && session.capture().gitBranch() == null)) {
            w.placeSession(session.id(), cwd, gitBranch);
            changed = true;
        }
        return new Opened(changed ? w.session(session.id()).orElseThrow() : session, changed, warning);
    }
}
