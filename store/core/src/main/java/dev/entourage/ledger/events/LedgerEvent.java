package dev.entourage.ledger.events;

import dev.entourage.ledger.Alert;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.UsageReceipt;
import java.time.Instant;
import java.util.Objects;

/**
 * Something the ledger committed, published by the use-case services ({@link LedgerServices}) through {@link LedgerEvents} after the
 * write transaction that holds it is durable (e.g. for the dashboard's live stream).
 */
public sealed interface LedgerEvent {
    /** {@link #teamId()} of an event that concerns every team. */
    long ALL_TEAMS = -1;

    /** The team the event belongs to, or {@link #ALL_TEAMS}. */
    long teamId();

    /** A usage report was recorded (not for replays of a recorded {@code event_id}). */
    record UsageRecorded(UsageReceipt receipt, Instant recordedAt) implements LedgerEvent {
        public UsageRecorded {
            Objects.requireNonNull(receipt, "receipt");
            Objects.requireNonNull(recordedAt, "recordedAt");
        }

        @Override
        public long teamId() {
            return receipt.session().teamId();
        }
    }

    /** A session started, ended or was killed; its status tells which. */
    record SessionChanged(Session session) implements LedgerEvent {
        public SessionChanged {
            Objects.requireNonNull(session, "session");
        }

        @Override
        public long teamId() {
            return session.teamId();
        }
    }

    /** A person killed a session (published after the {@link SessionChanged} of the same kill). */
    record SessionKilled(Session session, String reason) implements LedgerEvent {
        public SessionKilled {
            Objects.requireNonNull(session, "session");
        }

        @Override
        public long teamId() {
            return session.teamId();
        }
    }

    /** A report crossed an alert threshold. */
    record AlertFired(Alert alert) implements LedgerEvent {
        public AlertFired {
            Objects.requireNonNull(alert, "alert");
        }

        @Override
        public long teamId() {
            return alert.teamId();
        }
    }

    /** An agent's pause state was set. */
    record AgentPaused(long teamId, long agentId, boolean paused) implements LedgerEvent {
    }

    /** A team's pause state was set. */
    record TeamPaused(long teamId, boolean paused) implements LedgerEvent {
    }

    /** API keys of the team were revoked (by a person, or because their agent moved to another team). */
    record KeysRevoked(long teamId) implements LedgerEvent {
    }

    /** Another process (a stdio sidecar on the same database) changed the ledger; re-read what is shown. */
    record ExternalChange() implements LedgerEvent {
        @Override
        public long teamId() {
            return ALL_TEAMS;
        }
    }
}
