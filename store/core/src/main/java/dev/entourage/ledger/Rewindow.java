package dev.entourage.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * What a change of a team's time zone does to the current windows: it takes effect at once for budgets as for
 * reports. The current day, week and month become the new zone's, and every counter of the team and its agents for
 * those windows is set to what was reported inside them (from the usage events), so spend already made today is not
 * forgotten because "today" now has another key.
 */
final class Rewindow {
    private Rewindow() {
    }

    /** Recounts the team's and its agents' day, week and month counters in {@code team}'s (new) zone. */
    static void recount(LedgerWriter w, Team team, List<Agent> agents, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, team.zone());
        for (Scope scope : Scope.limitedScopes()) {
            BudgetRule rule = scope.rule();
            if (rule.window() == BudgetWindow.ALL_TIME) {
                continue;
            }
            Instant from = start(rule.window(), today, team.zone());
            if (rule.subject() == BudgetSubject.TEAM) {
                set(w, new SpendKey(scope, team.id(), rule.window().key(today)),
                        w.spentBetween(team.id(), null, from, now.plusMillis(1)));
            } else if (rule.subject() == BudgetSubject.AGENT) {
                for (Agent agent : agents) {
                    set(w, new SpendKey(scope, agent.id(), rule.window().key(today)),
                            w.spentBetween(team.id(), agent.id(), from, now.plusMillis(1)));
                }
            }
        }
    }

    private static Instant start(BudgetWindow window, LocalDate today, ZoneId zone) {
        LocalDate first = switch (window) {
            case DAY -> today;
            case WEEK -> today.minusDays(today.getDayOfWeek().getValue() - 1L);
            case MONTH -> today.withDayOfMonth(1);
            case ALL_TIME -> throw new IllegalArgumentException("no start for all time");
        };
        return first.atStartOfDay(zone).toInstant();
    }

    private static void set(LedgerWriter w, SpendKey key, long micros) {
        long delta = micros - w.spent(key);
        if (delta != 0) {
            w.addSpend(key, delta);
        }
    }
}
