package dev.entourage.mcp;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Ref;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Who the tools act for, and what they remember between calls: the agent a sidecar is bound to, its
 * defaults, and the session it started last (which {@code report_usage} and {@code end_session} use when
 * no {@code session_id} is given).
 */
public final class Caller {
    private final Supplier<Agent> binding;
    private final boolean viewer;
    private final String agentName;
    private final Long defaultTaskId;
    private final String defaultModel;
    private final String claudeCodeSessionId;
    private final String cwd;
    private volatile Bound bound;
    private volatile Long openSessionId;

    /** The agent a caller acts for, once known, and the actor it acts as. */
    private record Bound(Actor actor, Agent agent) {
    }

    /** A caller that acts as {@code agent}: an agent key, an admin naming the agent, or a sidecar bound to it. */
    public Caller(Agent agent, Long defaultTaskId, String defaultModel) {
        this(() -> agent, false, agent.name(), defaultTaskId, defaultModel, null, null);
        bind();
    }

    private Caller(Supplier<Agent> binding, boolean viewer, String agentName, Long defaultTaskId,
                   String defaultModel, String claudeCodeSessionId, String cwd) {
        this.binding = Objects.requireNonNull(binding, "binding");
        this.viewer = viewer;
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.defaultTaskId = defaultTaskId;
        this.defaultModel = defaultModel;
        this.claudeCodeSessionId = claudeCodeSessionId;
        this.cwd = cwd;
    }

    /**
     * A caller for the agent called {@code agentName} that does not exist yet: {@code binding} creates it at the
     * first tool call (a write, with the store's usual busy handling), so that a sidecar starts without writing.
     * A failed binding fails that call and is tried again at the next.
     */
    public static Caller deferred(String agentName, Supplier<Agent> binding, Long defaultTaskId,
                                  String defaultModel) {
        return new Caller(binding, false, agentName, defaultTaskId, defaultModel, null, null);
    }

    /** A viewer looking at {@code agent}'s budget: only {@code check_budget} without an estimate. */
    public static Caller viewer(Agent agent) {
        Caller caller = new Caller(() -> agent, true, agent.name(), null, null, null, null);
        caller.bind();
        return caller;
    }

    /**
     * This caller, bound to the Claude Code session that started the sidecar ({@code CLAUDE_CODE_SESSION_ID}):
     * {@code start_session} then joins that session instead of opening a new one.
     *
     * @param sessionId Claude Code's session id, or null for no binding
     * @param cwd       the project's directory (stored on the session), or null
     */
    public Caller boundTo(String sessionId, String cwd) {
        Caller caller = new Caller(binding, viewer, agentName, defaultTaskId, defaultModel,
                sessionId == null || sessionId.isBlank() ? null : sessionId.strip(), cwd);
        caller.bound = bound;
        return caller;
    }

    /** The Claude Code session this sidecar is bound to, or null. */
    public String claudeCodeSessionId() {
        return claudeCodeSessionId;
    }

    String cwd() {
        return cwd;
    }

    private Bound bind() {
        Bound known = bound;
        if (known == null) {
            synchronized (this) {
                known = bound;
                if (known == null) {
                    Agent agent = binding.get();
                    known = new Bound(viewer ? Actor.viewer(agent.teamId()) : Actor.agent(agent.teamId(), agent.id()),
                            agent);
                    bound = known;
                }
            }
        }
        return known;
    }

    Actor actor() {
        return bind().actor();
    }

    boolean mayWrite() {
        return !viewer;
    }

    public long agentId() {
        return bind().agent().id();
    }

    Ref agent() {
        return Ref.id(agentId());
    }

    public String agentName() {
        Bound known = bound;
        return known == null ? agentName : known.agent().name();
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
