package dev.entourage.ledger;

import dev.entourage.ledger.CostReport.CostGroup;
import dev.entourage.ledger.CostReport.SessionCost;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
     * (null for the top ones), and its unpriced part. One read of the range's rollups feeds every total, group, day
     * and session.
     */
    static CostReport build(LedgerReader r, Team team, LocalDate since, LocalDate until, String cursor, int limit,
                            Function<List<Long>, List<Session>> sessions, Instant now) {
        List<Instant> days = dayEdges(since, until, team.zone());
        RollupGroups total = RollupGroups.whole(SpendSum.By.TOTAL);
        RollupGroups agents = RollupGroups.whole(SpendSum.By.AGENT);
        RollupGroups models = RollupGroups.whole(SpendSum.By.MODEL);
        RollupGroups tasks = RollupGroups.whole(SpendSum.By.TASK);
        RollupGroups perDay = RollupGroups.perInterval(SpendSum.By.TOTAL);
        RollupSessions bySession = new RollupSessions();
        r.rollups(team.id(), days, RollupRow.Fields.ALL,
                total.andThen(agents).andThen(models).andThen(tasks).andThen(perDay).andThen(bySession));
        LongFunction<String> agentNames = id -> r.agent(id).map(Agent::name).orElse(null);
        LongFunction<String> taskTitles = id -> r.task(id).map(Task::title).orElse(null);
        SpendSum sum = total.sums().stream().findFirst().orElse(null);
        CostReport.SessionPage page = page(bySession.ranked(), cursor, limit, sessions, taskTitles, now);
        return new CostReport(team.id(), since, until, sum == null ? 0 : sum.costMicros(),
                sum == null ? 0 : sum.inputTokens(), sum == null ? 0 : sum.outputTokens(), page.sessions(),
                groups(agents.sums(agentNames, taskTitles), null),
                groups(models.sums(), UNKNOWN_MODEL),
                groups(tasks.sums(agentNames, taskTitles), NO_TASK),
                byDay(since, perDay.sums(), days.size() - 1),
                sum == null ? 0 : sum.sessions(), page.nextCursor())
                .withUnpriced(bySession.unpriced());
    }

    /** Every session of the range by cost, highest first (then by id), from one read of its rollups. */
    static List<SpendSum> rankedSessions(LedgerReader r, Team team, LocalDate since, LocalDate until) {
        RollupSessions bySession = new RollupSessions();
        r.rollups(team.id(), List.of(since.atStartOfDay(team.zone()).toInstant(),
                until.plusDays(1).atStartOfDay(team.zone()).toInstant()), RollupRow.Fields.ALL, bySession);
        return bySession.ranked();
    }

    /**
     * The page of {@code ranked} (sessions by cost) after {@code cursor}'s session (null for the top ones): at most
     * {@code limit}, each with its session and task, and the cursor of the next page if there is one.
     */
    static CostReport.SessionPage page(List<SpendSum> ranked, String cursor, int limit,
                                       Function<List<Long>, List<Session>> sessions, LongFunction<String> taskTitles,
                                       Instant now) {
        long[] after = PageCursor.parse(cursor, CURSOR, 2);
        int from = RollupSessions.after(ranked, after == null ? null
                : new SpendSum(0, after[1], null, after[0], 0, 0, 0, 0, 0, 0, 0));
        int to = Math.min(ranked.size(), from + limit);
        List<SpendSum> sums = ranked.subList(from, to);
        List<Session> found = sessions.apply(sums.stream().map(SpendSum::id).toList());
        Map<Long, String> titles = new HashMap<>();
        List<SessionCost> sessionCosts = new ArrayList<>();
        for (int i = 0; i < sums.size(); i++) {
            sessionCosts.add(sessionCost(sums.get(i), found.get(i), id -> titles.computeIfAbsent(id,
                    taskTitles::apply), now));
        }
        SpendSum last = to < ranked.size() ? ranked.get(to - 1) : null;
        return new CostReport.SessionPage(sessionCosts,
                last == null ? null : PageCursor.of(CURSOR, last.costMicros(), last.id()));
    }

    private static SessionCost sessionCost(SpendSum sum, Session session, LongFunction<String> taskTitles,
                                           Instant now) {
        String model = session.model() != null ? session.model() : sum.name();
        return new SessionCost(session.id(), session.agentName(), session.taskId(),
                session.taskId() == null ? null : taskTitles.apply(session.taskId()),
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
