package dev.entourage.ledger.access;

import dev.entourage.ledger.Actor;
import java.util.Objects;

/**
 * Who is calling, once authenticated: a role within one team, the agent an agent key is bound to, and a
 * subject for rate limits and logs (never a secret).
 *
 * @param agentId the bound agent for {@link Role#AGENT}, else null
 * @param subject {@code key:<id>} for API keys, {@code user:<email>} for people, {@code local} without auth
 */
public record Principal(Role role, long teamId, Long agentId, String subject) {
    public Principal {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(subject, "subject");
        if (role == Role.AGENT && agentId == null) {
            throw new IllegalArgumentException("an agent principal needs its agent");
        }
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Who this principal is to the use-case services. */
    public Actor actor() {
        return switch (role) {
            case ADMIN -> Actor.admin(teamId);
            case VIEWER -> Actor.viewer(teamId);
            case AGENT -> Actor.agent(teamId, agentId);
        };
    }
}
