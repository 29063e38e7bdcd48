package dev.entourage.mcp;

import java.util.Objects;

/**
 * Who the tools act for, and what they remember between calls: the agent a sidecar is bound to, its
 * defaults, and the session it started last (which {@code report_usage} and {@code end_session} use when
 * no {@code session_id} is given).
 */
public final class Caller {
    private final long agentId;
    private final String agentName;
    private final Long defaultTaskId;
    private final String defaultModel;
    private final boolean mayWrite;
    private volatile Long openSessionId;

    public Caller(long agentId, String agentName, Long defaultTaskId, String defaultModel) {
        this(agentId, agentName, defaultTaskId, defaultModel, true);
    }

    /** @param mayWrite false for viewers: only {@code check_budget} then */
    public Caller(long agentId, String agentName, Long defaultTaskId, String defaultModel, boolean mayWrite) {
        this.agentId = agentId;
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.defaultTaskId = defaultTaskId;
        this.defaultModel = defaultModel;
        this.mayWrite = mayWrite;
    }

    boolean mayWrite() {
        return mayWrite;
    }

    public long agentId() {
        return agentId;
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
