package dev.entourage.ledger;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What hook decisions say to a person or a model: why a session must stop (naming the scope's subject, its limit
 * and when it resets) and how much of a budget is used.
 */
final class HookWords {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_AND_HOUR = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm",
            java.util.Locale.ROOT);

    private HookWords() {
    }

    /**
     * E.g. "Entourage: team default is over its $10.00 daily limit; resets 00:00 Europe/Paris", or for a person's
     * stop "Entourage: agent eng-1 is paused by a person".
     */
    static String stop(Subjects s, Violation v) {
        String text;
        switch (v.scope()) {
            case KILLED:
                String detail = s.session().stopDetail();
                text = "session " + s.session().id() + " was killed by a person" + (detail == null ? "" : ": " + detail);
                break;
            case ENDED:
                text = "session " + s.session().id() + " has ended";
                break;
            case PAUSED:
                text = (s.agent().paused() ? "agent " + s.agent().name() : "team " + s.team().name())
                        + " is paused by a person";
                break;
            case RUNAWAY:
                text = "session " + s.session().id() + " is spending too fast ($" + Money.format(v.spentMicros())
                        + " in the last " + Team.RUNAWAY_WINDOW_MINUTES + " minutes, more than $"
                        + Money.format(v.limitMicros()) + ")";
                break;
            default:
                text = subject(s, v.scope()) + " is over its $" + Money.format(v.limitMicros()) + window(v.scope())
                        + " limit" + resets(v, s.team().zone());
        }
        return "Entourage: " + text;
    }

    /** "Entourage: $7.60 of $10.00 used (76%) of team default's daily limit". */
    static String used(Subjects s, ScopeBudget scope, int percent) {
        long used = scope.spentMicros() + (scope.heldMicros() == null ? 0 : scope.heldMicros());
        return "Entourage: $" + Money.format(used) + " of $" + Money.format(scope.limitMicros()) + " used (" + percent
                + "%) of " + subject(s, scope.scope()) + "'s" + window(scope.scope()) + " limit";
    }

    /** The thresholds (percent, ascending) at which the model is told how much is used. */
    static List<Integer> thresholds(Team team) {
        return team.alertThresholds().isEmpty() ? List.of(50, 75, 90) : team.alertThresholds();
    }

    private static String subject(Subjects s, Scope scope) {
        switch (scope.rule().subject()) {
            case AGENT:
                return "agent " + s.agent().name();
            case TEAM:
                return "team " + s.team().name();
            case TASK:
                return "task " + s.task().id() + " (" + s.task().title() + ")";
            default:
                return "session " + s.session().id();
        }
    }

    private static String window(Scope scope) {
        switch (scope.rule().window()) {
            case DAY:
                return " daily";
            case WEEK:
                return " weekly";
            case MONTH:
                return " monthly";
            default:
                return "";
        }
    }

    private static String resets(Violation v, ZoneId zone) {
        if (v.resetsAt() == null) {
            return "";
        }
        ZonedDateTime at = v.resetsAt().atZone(zone);
        DateTimeFormatter format = v.scope().rule().window() == BudgetWindow.DAY ? HOUR : DAY_AND_HOUR;
        return "; resets " + format.format(at) + " " + zone.getId();
    }
}
