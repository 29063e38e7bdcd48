package dev.entourage.ledger;

import dev.entourage.ledger.capture.HookDecision;
import dev.entourage.ledger.capture.HookDecision.Outcome;
import dev.entourage.ledger.capture.HookEvent;
import dev.entourage.ledger.capture.HookRequest;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decisions for coding agents' control points (Claude Code hooks), on the session of the request's origin (found by
 * the agent's own session id, or created on first sight without a budget refusal).
 *
 * <ul>
 *   <li>{@code STOP}: a scope of the session's budget trips (as {@code report_usage} would answer: limits, the runaway
 *       guard, a pause or a kill). The reason names the subject, its limit and when it resets, e.g.
 *       "Entourage: team default is over its $10.00 daily limit; resets 00:00 Europe/Paris". An ended session is
 *       not a reason: the agent is plainly running again.</li>
 *   <li>{@code DENY_TOOL} (the loop guard, team setting {@code max_repeated_tool_calls} N): the N-th
 *       {@code PRE_TOOL_USE} in a row of the same tool with the same input hash is refused, and so is every further
 *       one until the call changes.</li>
 *   <li>{@code ALLOW}, with a context line "Entourage: $x of $y used (NN%) …" the first time the most used scope
 *       crosses each threshold (the team's alert thresholds, or 50/75/90 when it has none), per session.</li>
 * </ul>
 *
 * <p>{@code STOP} and {@code SUBAGENT_STOP} are always allowed (blocking them makes the agent keep going).
 */
public final class HookService {
    private final LedgerContext ctx;

    HookService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * {@code SESSION_START} opens (find-or-create) the session and stores cwd/branch; {@code SESSION_END} ends it;
     * the others decide. O(1) in history (counters, not sums over events): a read, or one write unit when the
     * session is new or its hook state changes (the loop guard's last call, a threshold noted). Fails closed: a
     * storage failure throws {@link StorageUnavailableException} and adapters answer STOP-like refusals for
     * blocking events.
     *
     * @throws LedgerException {@code invalid_request} ({@code entourage.agent}) when no agent is named for an admin
     *                         or the local owner, {@code not_found} for an agent the actor cannot see,
     *                         {@code forbidden} for a viewer or another agent than an agent key's own
     */
    public HookDecision decide(Actor actor, HookRequest request) {
        actor.mayWrite();
        Objects.requireNonNull(request, "request");
        switch (request.event()) {
            case SESSION_START:
                return allow(open(actor, request, request.cwd(), request.gitBranch(), true));
            case SESSION_END:
                return end(actor, request);
            case PRE_TOOL_USE:
            case POST_TOOL_BATCH:
            case USER_PROMPT_SUBMIT:
                return judge(actor, request);
            default:
                Optional<Session> found = ctx.store.read(r -> ExternalSessions.find(r, actor, request.origin()));
                return allow(found.orElseGet(() -> open(actor, request, null, null, false)));
        }
    }

    private static HookDecision allow(Session session) {
        return new HookDecision(Outcome.ALLOW, null, null, session.id());
    }

    private Session open(Actor actor, HookRequest request, String cwd, String branch, boolean reopen) {
        ExternalSessions.Opened opened = ctx.store.write(w -> ExternalSessions.open(w, actor, request.origin(), cwd,
                branch, ctx.clock.instant(), reopen));
        if (opened.changed()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(opened.session()));
        }
        return opened.session();
    }

    private HookDecision end(Actor actor, HookRequest request) {
        ExternalSessions.Opened ended = ctx.store.write(w -> {
            Instant now = ctx.clock.instant();
            Session session = ExternalSessions.open(w, actor, request.origin(), null, null, now, false).session();
            if (!session.isActive()) {
                return new ExternalSessions.Opened(session, false, null);
            }
            w.endSession(session.id(), SessionStatus.ENDED, now, null, null);
            w.releaseSessionHolds(session.id(), now);
            return new ExternalSessions.Opened(w.session(session.id()).orElseThrow(), true, null);
        });
        if (ended.changed()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(ended.session()));
        }
        return allow(ended.session());
    }

    /** A decision and the hook state to save for it (null: nothing to write). */
    private record Verdict(HookDecision decision, HookState save) {
    }

    private record Judged(HookDecision decision, ExternalSessions.Opened opened) {
    }

    private HookDecision judge(Actor actor, HookRequest request) {
        Instant now = ctx.clock.instant();
        Verdict read = ctx.store.read(r -> ExternalSessions.find(r, actor, request.origin())
                .map(session -> verdict(r, session, request, now)).orElse(null));
        if (read != null && read.save() == null) {
            return read.decision();
        }
        Judged judged = ctx.store.write(w -> {
            ExternalSessions.Opened opened = ExternalSessions.open(w, actor, request.origin(), null, null, now, false);
            Verdict verdict = verdict(w, opened.session(), request, now);
            if (verdict.save() != null) {
                w.saveHookState(opened.session().id(), verdict.save());
            }
            return new Judged(verdict.decision(), opened);
        });
        if (judged.opened().changed()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(judged.opened().session()));
        }
        return judged.decision();
    }

    private static Verdict verdict(LedgerReader r, Session session, HookRequest request, Instant now) {
        Agent agent = LedgerContext.agent(r, session.agentId());
        Team team = LedgerContext.team(r, agent.teamId());
        Task task = session.taskId() == null ? null : r.task(session.taskId()).orElse(null);
        Subjects s = new Subjects(team, agent, task, session);
        Budget budget = UsageCharge.runawayGuard(r, team, session, 0, now, BudgetRules.evaluate(r, s, now));
        Optional<Violation> stop = budget.violations().stream().filter(v -> v.scope() != Scope.ENDED).findFirst();
        if (stop.isPresent()) {
            return new Verdict(new HookDecision(Outcome.STOP, HookWords.stop(s, stop.get()), null, session.id()),
                    null);
        }
        HookState state = r.hookState(session.id());
        HookState next = state;
        Integer max = team.maxRepeatedToolCalls();
        if (request.event() == HookEvent.PRE_TOOL_USE && request.toolName() != null && max != null) {
            String key = request.toolName() + "|" + Objects.requireNonNullElse(request.toolInputHash(), "");
            int repeats = key.equals(state.lastToolKey()) ? state.repeats() + 1 : 1;
            next = new HookState(key, repeats, state.contextPercent());
            if (repeats >= max) {
                String reason = "Entourage: " + request.toolName() + " was called " + repeats + " times in a row "
                        + "with the same input (max_repeated_tool_calls " + max + ")";
                return new Verdict(new HookDecision(Outcome.DENY_TOOL, reason, null, session.id()), next);
            }
        }
        ScopeBudget most = null;
        int percent = 0;
        for (ScopeBudget scope : budget.scopes()) {
            if (scope.applies() && scope.limitMicros() != null && scope.limitMicros() > 0) {
                long used = scope.spentMicros() + Objects.requireNonNullElse(scope.heldMicros(), 0L);
                int p = (int) Math.min(1000, used * 100 / scope.limitMicros());
                if (most == null || p > percent) {
                    most = scope;
                    percent = p;
                }
            }
        }
        String context = null;
        if (most != null) {
            int reached = percent;
            int crossed = HookWords.thresholds(team).stream().filter(t -> t <= reached).mapToInt(Integer::intValue)
                    .max().orElse(0);
            if (crossed > state.contextPercent()) {
                context = HookWords.used(s, most, percent);
                next = new HookState(next.lastToolKey(), next.repeats(), crossed);
            }
        }
        return new Verdict(new HookDecision(Outcome.ALLOW, null, context, session.id()),
                next.equals(state) ? null : next);
    }
}
