package dev.entourage.ledger;

import dev.entourage.ledger.CostReport.CostGroup;
import dev.entourage.ledger.CostReport.SessionCost;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;

/** Builds a {@link CostReport} from the spend rollups of its range, read in one transaction. */
final class CostReports {
    static final String NO_TASK = "(no task)";
    static final String UNKNOWN_MODEL = "(unknown model)";
    /** The kind of a costs cursor: (cost, session id) of the last session of a page. */
    static final char CURSOR = 'c';

    private CostReports() {
    }

    /** The edges of every day from {@code since} to {@code until} (both included) in {@code zone}. */
    static List<Instant> dayEdges(LocalDate since, LocalDate until, ZoneId zone) {
        List<Instant> edges = new ArrayList<>();
        for (LocalDate day = since; !day.isAfter(until.plusDays(1)); day = day.plusDays(1)) {
            edges.add(day.atStartOfDay(zone).toInstant());
        }
        return edges;
    }

    /**
     * The report of {@code [since, until]} with one page of sessions: at most {@code limit}, after {@code cursor}'s
     * (null for the top ones).
     */
    static CostReport build(LedgerReader r, Team team, LocalDate since, LocalDate until, String cursor, int limit,
                            LongFunction<Session> sessions, LongFunction<Task> tasks, Instant now) {
        List<Instant> days = dayEdges(since, until, team.zone());
        List<Instant> whole = List.of(days.get(0), days.get(days.size() - 1));
        SpendSum total = r.spendSums(team.id(), whole, SpendSum.By.TOTAL).stream().findFirst().orElse(null);
        CostReport.SessionPage page = sessions(r, team, since, until, cursor, limit, sessions, tasks, now);
        return new CostReport(team.id(), since, until, total == null ? 0 : total.costMicros(),
                total == null ? 0 : total.inputTokens(), total == null ? 0 : total.outputTokens(), page.sessions(),
                groups(r.spendSums(team.id(), whole, SpendSum.By.AGENT), null),
                groups(r.spendSums(team.id(), whole, SpendSum.By.MODEL), UNKNOWN_MODEL),
                groups(r.spendSums(team.id(), whole, SpendSum.By.TASK), NO_TASK),
                byDay(since, r.spendSums(team.id(), days, SpendSum.By.TOTAL), days.size() - 1),
                total == null ? 0 : total.sessions(), page.nextCursor());
    }

    /** One page of the range's sessions by cost, highest first, after {@code cursor}'s (null for the top ones). */
    static CostReport.SessionPage sessions(LedgerReader r, Team team, LocalDate since, LocalDate until,
                                           String cursor, int limit, LongFunction<Session> sessions,
                                           LongFunction<Task> tasks, Instant now) {
        long[] after = PageCursor.parse(cursor, CURSOR, 2);
        List<SpendSum> page = r.sessionSums(team.id(), since.atStartOfDay(team.zone()).toInstant(),
                until.plusDays(1).atStartOfDay(team.zone()).toInstant(), after == null ? null
                        : new SpendSum(0, after[1], null, after[0], 0, 0, 0, 0, 0, 0, 0), limit + 1);
        boolean more = page.size() > limit;
        List<SessionCost> sessionCosts = new ArrayList<>();
        for (SpendSum sum : more ? page.subList(0, limit) : page) {
            sessionCosts.add(sessionCost(sum, sessions.apply(sum.id()), tasks, now));
        }
        SpendSum last = more ? page.get(limit - 1) : null;
        return new CostReport.SessionPage(sessionCosts,
                last == null ? null : PageCursor.of(CURSOR, last.costMicros(), last.id()));
    }

    private static SessionCost sessionCost(SpendSum sum, Session session, LongFunction<Task> tasks, Instant now) {
        Task task = session.taskId() == null ? null : tasks.apply(session.taskId());
        String model = session.model() != null ? session.model() : sum.name();
        return new SessionCost(session.id(), session.agentName(), session.taskId(), task == null ? null : task.title(),
                model, sum.costMicros(), sum.inputTokens(), sum.outputTokens(), sum.tokens(),
                session.durationMinutes(now));
    }

    /** Every day of the range, oldest first, zero days included. */
    private static List<CostReport.DayCost> byDay(LocalDate since, List<SpendSum> sums, int count) {
        SpendSum[] byIndex = new SpendSum[count];
        sums.forEach(s -> byIndex[s.interval()] = s);
        List<CostReport.DayCost> days = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SpendSum s = byIndex[i];
            days.add(s == null ? new CostReport.DayCost(since.plusDays(i), 0, 0, 0, 0)
                    : new CostReport.DayCost(since.plusDays(i), s.costMicros(), s.inputTokens(), s.outputTokens(),
                    s.sessions()));
        }
        return days;
    }

    /**
     * Groups highest cost first, then by name and id. A group with an id (an agent, a task) is its own, so two tasks
     * that share a title stay apart; {@code unnamed} names the group without a name (an unknown model, no task).
     */
    private static List<CostGroup> groups(List<SpendSum> sums, String unnamed) {
        List<CostGroup> groups = new ArrayList<>();
        for (SpendSum s : sums) {
            groups.add(new CostGroup(s.name() == null ? unnamed : s.name(), s.id(), s.costMicros(), s.inputTokens(),
                    s.outputTokens(), s.sessions()));
        }
        groups.sort(Comparator.comparingLong(CostGroup::costMicros).reversed().thenComparing(CostGroup::name)
                .thenComparing(group -> group.id() == null ? 0 : group.id()));
        return groups;
    }
}
