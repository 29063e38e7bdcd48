package dev.entourage.mcp;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Ref;
import java.util.Objects;

/**
 * Who the tools act for, and what they remember between calls: the agent a sidecar is bound to, its
 * defaults, and the session it started last (which {@code report_usage} and {@code end_session} use when
 * no {@code session_id} is given).
 */
public final class Caller {
    private final Actor actor;
    private final long agentId;
    private final String agentName;
    private final Long defaultTaskId;
    private final String defaultModel;
    private final String claudeCodeSessionId;
    private final String cwd;
    private volatile Long openSessionId;

    /** A caller that acts as {@code agent}: an agent key, an admin naming the agent, or a sidecar bound to it. */
    public Caller(Agent agent, Long defaultTaskId, String defaultModel) {
        this(Actor.agent(agent.teamId(), agent.id()), agent.id(), agent.name(), defaultTaskId, defaultModel, null,
                null);
    }

    private Caller(Actor actor, long agentId, String agentName, Long defaultTaskId, String defaultModel,
                   String claudeCodeSessionId, String cwd) {
        this.actor = Objects.requireNonNull(actor, "actor");
        this.agentId = agentId;
        this.agentName = agentName;
        this.defaultTaskId = defaultTaskId;
        this.defaultModel = defaultModel;
        this.claudeCodeSessionId = claudeCodeSessionId;
        this.cwd = cwd;
    }

    /** A viewer looking at {@code agent}'s budget: only {@code check_budget} without an estimate. */
    public static Caller viewer(Agent agent) {
        return new Caller(Actor.viewer(agent.teamId()), agent.id(), agent.name(), null, null, null, null);
    }

    /**
     * This caller, bound to the Claude Code session that started the sidecar ({@code CLAUDE_CODE_SESSION_ID}):
     * {@code start_session} then joins that session instead of opening a new one.
     *
     * @param sessionId Claude Code's session id, or null for no binding
     * @param cwd       the project's directory (stored on the session), or null
     */
    public Caller boundTo(String sessionId, String cwd) {
        return new Caller(actor, agentId, agentName, defaultTaskId, defaultModel,
                sessionId == null || sessionId.isBlank() ? null : sessionId.strip(), cwd);
    }

    /** The Claude Code session this sidecar is bound to, or null. */
    public String claudeCodeSessionId() {
        return claudeCodeSessionId;
    }

    String cwd() {
        return cwd;
    }

    Actor actor() {
        return actor;
    }

    boolean mayWrite() {
        return !(actor instanceof Actor.Person p) || p.admin();
    }

    public long agentId() {
        return agentId;
    }

    Ref agent() {
        return Ref.id(agentId);
    }

    public String agentName() {
        return agentName;
    }

    Long defaultTaskId() {
        return defaultTaskId;
    }

    String defaultModel() {
        return defaultModel;
    }

    Long openSessionId() {
        return openSessionId;
    }

    void opened(long sessionId) {
        openSessionId = sessionId;
    }

    void ended(long sessionId) {
        if (Long.valueOf(sessionId).equals(openSessionId)) {
            openSessionId = null;
        }
    }
}
