package dev.entourage.ledger;

import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookRequest;

/** Decisions for coding agents' control points (Claude Code hooks). */
public final class HookService {
    private final LedgerContext ctx;

    HookService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * {@code SESSION_START} opens (find-or-create) the session and stores cwd/branch; {@code SESSION_END} ends it;
     * the others decide. O(1) in history (counters, not sums over events). Fails closed: a storage failure throws
     * {@link StorageUnavailableException} and adapters answer STOP-like refusals for blocking events.
     */
    public HookDecision decide(Actor actor, HookRequest request) {
        throw new UnsupportedOperationException("not yet");
    }
}
