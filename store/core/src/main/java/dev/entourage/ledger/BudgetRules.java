package dev.entourage.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The budget rules of SPEC §2, evaluated for every limited {@link Scope} from its {@link BudgetRule}: a person's
 * stops first (killed, paused), then each limited scope whose spent plus held reaches its limit.
 */
final class BudgetRules {
    private BudgetRules() {
    }

    /** Evaluates every scope that applies now; unexpired holds count as spent. */
    static Budget evaluate(LedgerReader reader, Subjects s, Instant now) {
        return evaluate(Readings.of(reader, s, now), s, now, null, 0);
    }

    /**
     * What an evaluation reads: every applicable scope's counter, and what is held against each subject, in one
     * query each. {@link #holding} gives the readings right after a hold was placed, without reading again.
     */
    record Readings(Map<SpendKey, Long> spent, Map<BudgetSubject, Long> held) {
        static Readings of(LedgerReader reader, Subjects s, Instant now) {
            LocalDate today = LocalDate.ofInstant(now, s.team().zone());
            Map<BudgetSubject, Long> subjects = new EnumMap<>(BudgetSubject.class);
            for (BudgetSubject subject : BudgetSubject.values()) {
                Long id = subject.id(s);
                if (id != null) {
                    subjects.put(subject, id);
                }
            }
            return new Readings(reader.spentAll(keys(s, today)), reader.heldAll(subjects, now));
        }

        /** These readings with {@code micros} more held against every subject (a hold counts against all four). */
        Readings holding(long micros) {
            Map<BudgetSubject, Long> more = new EnumMap<>(BudgetSubject.class);
            held.forEach((subject, amount) -> more.put(subject, Math.addExact(amount, micros)));
            return new Readings(spent, more);
        }
    }

    /**
     * Evaluates every scope on readings taken already, asking whether {@code estimate} more would fit: a limited
     * scope then trips when {@code spent + held >= limit} or {@code spent + held + estimate > limit}, and its
     * violation carries the estimate.
     *
     * @param estimate micro-dollars to reserve, or null for a plain evaluation
     */
    static Budget evaluate(Readings readings, Subjects s, Instant now, Long estimate) {
        return evaluate(readings, s, now, estimate, 0);
    }

    /**
     * The budget right after a reservation of {@code reserved} that fit, from the readings taken before it was placed:
     * the new hold counts as spent, but a scope it fills exactly ({@code spent + held == limit}) does not trip on its
     * account; the report that settles it will.
     */
    static Budget afterReserving(Readings before, Subjects s, Instant now, long reserved) {
        return evaluate(before.holding(reserved), s, now, null, reserved);
    }

    private static Budget evaluate(Readings readings, Subjects s, Instant now, Long estimate, long reserved) {
        LocalDate today = LocalDate.ofInstant(now, s.team().zone());
        long extra = estimate == null ? 0 : estimate;
        List<Violation> violations = new ArrayList<>();
        if (s.session() != null && s.session().status() == SessionStatus.KILLED) {
            violations.add(new Violation(Scope.KILLED, null, s.session().totals().costMicros(), null));
        }
        if (s.session() != null && s.session().status() == SessionStatus.ENDED) {
            violations.add(new Violation(Scope.ENDED, null, s.session().totals().costMicros(), null));
        }
        List<ScopeBudget> scopes = new ArrayList<>();
        Instant freeAt = null;
        for (Scope scope : Scope.limitedScopes()) {
            BudgetRule rule = scope.rule();
            Long id = rule.subject().id(s);
            Instant resetsAt = resetsAt(rule.window(), today, s);
            if (id == null) {
                scopes.add(new ScopeBudget(scope, null, null, null, resetsAt));
                continue;
            }
            long spent = readings.spent().get(new SpendKey(scope, id, rule.window().key(today)));
            long onHold = readings.held().get(rule.subject());
            Long limit = rule.limit().apply(s);
            scopes.add(new ScopeBudget(scope, limit, spent, onHold, resetsAt));
            if (limit != null && (spent + onHold - reserved >= limit || spent + onHold + extra > limit)) {
                violations.add(new Violation(scope, limit, spent, onHold, estimate, resetsAt));
                if (resetsAt != null && (freeAt == null || resetsAt.isAfter(freeAt))) {
                    freeAt = resetsAt;
                }
            }
        }
        if (s.agent().paused() || s.team().paused()) {
            violations.add(violations.isEmpty() || violations.get(0).scope().limited() ? 0 : 1,
                    new Violation(Scope.PAUSED, null, scopes.get(0).spentMicros(), null));
        }
        Instant nextMidnight = resetsAt(BudgetWindow.DAY, today, s);
        return new Budget(s.agent().id(), s.task() == null ? null : s.task().id(),
                s.session() == null ? null : s.session().id(), scopes, violations,
                freeAt == null ? nextMidnight : freeAt);
    }

    /** The counter of every limited scope that applies to {@code s} today. */
    private static List<SpendKey> keys(Subjects s, LocalDate today) {
        List<SpendKey> keys = new ArrayList<>();
        for (Scope scope : Scope.limitedScopes()) {
            Long id = scope.rule().subject().id(s);
            if (id != null) {
                keys.add(new SpendKey(scope, id, scope.rule().window().key(today)));
            }
        }
        return keys;
    }

    private static Instant resetsAt(BudgetWindow window, LocalDate today, Subjects s) {
        LocalDate next = window.nextStart(today);
        return next == null ? null : next.atStartOfDay(s.team().zone()).toInstant();
    }

    /**
     * Adds {@code cost} to the counter of every scope that applies, and records an alert for each of the team's
     * thresholds a limited scope crosses: spent before {@literal <} threshold × limit {@literal <=} spent after.
     * Each (scope, window, threshold) fires once; a crossing some other writer recorded already is not repeated.
     *
     * @return the alerts this charge fired
     */
    static List<Alert> charge(LedgerWriter w, Subjects s, long cost, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, s.team().zone());
        List<SpendKey> keys = new ArrayList<>();
        for (Scope scope : Scope.limitedScopes()) {
            BudgetRule rule = scope.rule();
            Long id = rule.subject().id(s);
            if (id != null) {
                keys.add(new SpendKey(scope, id, rule.window().key(today)));
            }
        }
        Map<SpendKey, Long> totals = w.addSpendAll(keys, cost);
        List<Alert> fired = new ArrayList<>();
        for (SpendKey key : keys) {
            long after = totals.get(key);
            Long limit = key.scope().rule().limit().apply(s);
            if (limit != null && limit > 0) {
                alerts(w, s, key, limit, after - cost, after, now, fired);
            }
        }
        return fired;
    }

    private static void alerts(LedgerWriter w, Subjects s, SpendKey key, long limit, long before, long after,
                               Instant now, List<Alert> fired) {
        Team team = s.team();
        for (int percent : team.alertThresholds()) {
            long mark = limit * percent;
            if (before * 100 < mark && mark <= after * 100) {
                Alert alert = new Alert(0, team.id(), team.name(), key.scope(), key.scopeId(), key.window(), percent,
                        limit, after, s.agent().id(), s.agent().name(), s.session().taskId(), s.session().id(), now,
                        null, 0);
                w.insertAlert(alert, now).ifPresent(fired::add);
            }
        }
    }

    /** A sentence a person or a model can act on, naming the first scope that trips. */
    static String explain(String agentName, Budget budget) {
        Violation first = budget.violations().get(0);
        String what = switch (first.scope()) {
            case KILLED -> "its session was killed by a person";
            case ENDED -> "its session has ended; start a new session for new work";
            case PAUSED -> "it or its team is paused by a person";
            case RUNAWAY -> "its session is spending too fast ($" + Money.format(first.spentMicros())
                    + " in the last 5 minutes, more than $" + Money.format(first.limitMicros()) + ")";
            default -> describe(first.scope()) + " is used up (" + amounts(first) + ")";
        };
        String resets = first.resetsAt() == null ? "" : "; it resets at " + first.resetsAt();
        return "Agent " + agentName + " must stop: " + what + resets + ". Stop and tell a human.";
    }

    /** Why a reservation of {@code estimate} does not fit, naming the first scope that would trip. */
    static String explainReservation(String agentName, long estimate, Budget budget) {
        Violation first = budget.violations().get(0);
        String what = switch (first.scope()) {
            case KILLED -> "its session was killed by a person";
            case ENDED -> "its session has ended";
            case PAUSED -> "it or its team is paused by a person";
            case RUNAWAY -> "its session is spending too fast";
            default -> describe(first.scope());
        };
        if (first.limitMicros() == null) {
            return "Agent " + agentName + " cannot reserve $" + Money.format(estimate) + ": " + what
                    + ". Stop and tell a human.";
        }
        String resets = first.resetsAt() == null ? "" : "; it resets at " + first.resetsAt();
        return "Agent " + agentName + " cannot reserve $" + Money.format(estimate) + ": it would exceed " + what
                + " (" + amounts(first) + ", $" + Money.format(first.remainingMicros()) + " remains" + resets
                + "). Do not start this step; use a smaller step or tell a human.";
    }

    /** The scope in words: "its daily budget", "the team's weekly budget", "the session's budget". */
    static String describe(Scope scope) {
        BudgetRule rule = scope.rule();
        String whose = switch (rule.subject()) {
            case AGENT -> "its";
            case TEAM -> "the team's";
            case TASK -> "the task's";
            case SESSION -> "the session's";
        };
        String window = switch (rule.window()) {
            case DAY -> "daily ";
            case WEEK -> "weekly ";
            case MONTH -> "monthly ";
            case ALL_TIME -> "";
        };
        return whose + " " + window + "budget";
    }

    private static String amounts(Violation violation) {
        String held = violation.heldMicros() == 0 ? "" : " + $" + Money.format(violation.heldMicros()) + " held";
        String window = switch (violation.scope().rule().window()) {
            case DAY -> " today";
            case WEEK -> " this week";
            case MONTH -> " this month";
            case ALL_TIME -> "";
        };
        return "$" + Money.format(violation.spentMicros()) + held + " of $" + Money.format(violation.limitMicros())
                + window;
    }
}
