package dev.entourage.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a team spent: cost reports, spend series, tasks with their spend, the dashboard, a session's usage events;
 * read transactions only.
 */
public final class ReportService {
    /** The longest range a cost report covers. */
    public static final int MAX_REPORT_DAYS = 366;
    private final LedgerContext ctx;

    ReportService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /** {@link #costs(Actor, Ref, LocalDate, LocalDate, String, int)} with the top {@value PageCursor#DEFAULT_LIMIT}. */
    public CostReport costs(Actor actor, Ref teamRef, LocalDate since, LocalDate until) {
        return costs(actor, teamRef, since, until, null, PageCursor.DEFAULT_LIMIT);
    }

    /**
     * What a team spent from {@code since} to {@code until}, dates in the team's zone, both included: totals and
     * groups over every session, and one page of sessions by cost, highest first.
     *
     * @param since  null for today; {@code until} null for today (or {@code since} if that is later)
     * @param cursor the {@link CostReport#nextCursor()} of the previous page, or null for the top sessions
     * @throws LedgerException {@code invalid_request} when {@code until} is before {@code since}, the range is
     *                         longer than {@value #MAX_REPORT_DAYS} days, {@code limit} is not 1 to
     *                         {@value PageCursor#MAX_LIMIT} or {@code cursor} is not one of this list
     */
    public CostReport costs(Actor actor, Ref teamRef, LocalDate since, LocalDate until, String cursor, int limit) {
        actor.mayReadTeam();
        PageCursor.limit(limit);
        return ctx.store.read(r -> {
            Team team = LedgerContext.team(r, actor, teamRef);
            Instant now = ctx.clock.instant();
            LocalDate today = LocalDate.ofInstant(now, team.zone());
            LocalDate from = since != null ? since : until != null && until.isBefore(today) ? until : today;
            LocalDate to = until != null ? until : from.isAfter(today) ? from : today;
            if (to.isBefore(from)) {
                throw LedgerException.invalid("until", "must not be before since");
            }
            if (ChronoUnit.DAYS.between(from, to) >= MAX_REPORT_DAYS) {
                throw LedgerException.invalid("since", "the range must be at most " + MAX_REPORT_DAYS + " days");
            }
            return CostReports.build(r, team, from, to, cursor, limit, ids -> LedgerContext.sessions(r, actor, ids),
                    now);
        });
    }

    /**
     * Every session of {@code report}'s range (its {@code since} and {@code until}) by cost, as
     * {@link #costs(Actor, Ref, LocalDate, LocalDate, String, int)} pages them: what an export reads on with. The
     * range's rollups are read once, now; each page then reads only its own sessions.
     *
     * @throws LedgerException {@code invalid_request} when {@code limit} is not 1 to {@value PageCursor#MAX_LIMIT}
     */
    public CostExport costExport(Actor actor, CostReport report, int limit) {
        actor.mayReadTeam();
        PageCursor.limit(limit);
        List<SpendSum> ranked = ctx.store.read(r -> CostReports.rankedSessions(r,
                LedgerContext.team(r, actor, Ref.id(report.teamId())), report.since(), report.until()));
        return cursor -> ctx.store.read(r -> CostReports.page(ranked, cursor, limit,
                ids -> LedgerContext.sessions(r, actor, ids), id -> r.task(id).map(Task::title).orElse(null),
                ctx.clock.instant()));
    }

    /** A team's spend over {@code range} in buckets, one series per agent or model. */
    public SpendSeries spend(Actor actor, Ref teamRef, SpendSeries.Range range, SpendSeries.Split by) {
        actor.mayReadTeam();
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(by, "by");
        return ctx.store.read(r -> {
            Team team = LedgerContext.team(r, actor, teamRef);
            Instant now = ctx.clock.instant();
            RollupGroups groups = RollupGroups.perInterval(
                    by == SpendSeries.Split.AGENT ? SpendSum.By.AGENT : SpendSum.By.MODEL);
            r.rollups(team.id(), SpendSeries.edges(range, team.zone(), now), RollupRow.Fields.COST, groups);
            return SpendSeries.build(range, by, team.zone(), now,
                    groups.sums(id -> r.agent(id).map(Agent::name).orElse(null), id -> null));
        });
    }

    /** A team's tasks with their spend, newest first. */
    public List<TaskSpend> tasks(Actor actor, Ref teamRef) {
        return ctx.store.read(r -> {
            Team team = LedgerContext.team(r, actor, teamRef);
            return r.tasks(team.id()).stream().map(task -> taskSpend(r, team, task)).toList();
        });
    }

    /**
     * A page of one session's usage events, newest first, with the session: an agent key reads only its own
     * sessions.
     *
     * @param before the {@link SessionUsage#nextBefore()} of the previous page, or null for the newest events
     * @throws LedgerException {@code invalid_request} when {@code limit} is not 1 to {@value SessionUsage#MAX_LIMIT};
     *                         {@code not_found} or {@code forbidden} for a session the actor does not see
     */
    public SessionUsage sessionUsage(Actor actor, long sessionId, Long before, int limit) {
        if (limit < 1 || limit > SessionUsage.MAX_LIMIT) {
            throw LedgerException.invalid("limit", "must be between 1 and " + SessionUsage.MAX_LIMIT);
        }
        return ctx.store.read(r -> {
            Session session = LedgerContext.session(r, actor, sessionId);
            List<UsageEntry> events = r.sessionUsage(session.id(), before, limit + 1);
            boolean more = events.size() > limit;
            List<UsageEntry> page = more ? events.subList(0, limit) : events;
            return new SessionUsage(session, page, more ? page.get(limit - 1).id() : null);
        });
    }

    /** One task with its spend. */
    public TaskSpend task(Actor actor, long taskId) {
        return ctx.store.read(r -> {
            Task task = LedgerContext.task(r, actor, taskId);
            return taskSpend(r, LedgerContext.team(r, task.teamId()), task);
        });
    }

    private static TaskSpend taskSpend(LedgerReader r, Team team, Task task) {
        Long limit = task.budgetMicros() != null ? task.budgetMicros() : team.taskTypeBudget(task.taskType()).orElse(null);
        return new TaskSpend(task, limit, r.spent(SpendKey.task(task.id())));
    }

    /**
     * One page of a team's sessions, newest first: the active ones, or else the ended and killed ones; at most
     * {@code limit}, after {@code cursor}'s (null for the newest). The dashboard's "more" reads these.
     *
     * @throws LedgerException {@code invalid_request} on {@code limit} unless 1 to {@value PageCursor#MAX_LIMIT},
     *                         on {@code cursor} for one a session list did not give
     */
    public SessionPage teamSessions(Actor actor, Ref teamRef, boolean active, String cursor, int limit) {
        actor.mayReadTeam();
        PageCursor.limit(limit);
        long[] after = PageCursor.parse(cursor, SessionService.CURSOR, 1);
        return ctx.store.read(r -> {
            Team team = LedgerContext.team(r, actor, teamRef);
            List<Session> found = r.teamSessions(team.id(), active, after == null ? null : after[0], limit + 1);
            boolean more = found.size() > limit;
            List<Session> page = more ? found.subList(0, limit) : found;
            return new SessionPage(page, more ? PageCursor.of(SessionService.CURSOR, page.get(limit - 1).id()) : null);
        });
    }

    /**
     * What the dashboard shows of a team, in one read transaction: today's spend against the limit, every agent with
     * its spend today, active and recent sessions, the newest tasks and alerts.
     */
    public DashboardView dashboard(Actor actor, Ref teamRef) {
        actor.mayReadTeam();
        return ctx.store.read(r -> {
            Team team = LedgerContext.team(r, actor, teamRef);
            Instant now = ctx.clock.instant();
            BudgetDay day = BudgetDay.of(now, team.zone());
            List<Session> active = r.teamSessions(team.id(), true, null, DashboardView.ACTIVE_SESSIONS + 1);
            boolean more = active.size() > DashboardView.ACTIVE_SESSIONS;
            active = more ? active.subList(0, DashboardView.ACTIVE_SESSIONS) : active;
            Map<Long, Integer> open = r.activeSessionCounts(team.id());
            List<DashboardView.AgentDay> agents = r.agents(team.id()).stream()
                    .map(a -> new DashboardView.AgentDay(a, r.spent(SpendKey.agentDay(a.id(), day.date())),
                            r.held(BudgetSubject.AGENT, a.id(), now), open.getOrDefault(a.id(), 0)))
                    .toList();
            List<TaskSpend> tasks = r.tasks(team.id()).stream().limit(DashboardView.TASKS)
                    .map(task -> taskSpend(r, team, task)).toList();
            return new DashboardView(team, now, day, r.spent(SpendKey.teamDay(team.id(), day.date())), agents, active,
                    r.teamSessions(team.id(), false, null, DashboardView.RECENT_SESSIONS), tasks,
                    r.alerts(team.id(), DashboardView.ALERTS),
                    open.values().stream().mapToInt(Integer::intValue).sum(),
                    more ? PageCursor.of(SessionService.CURSOR, active.get(active.size() - 1).id()) : null)
                    .withUnpriced(unpriced(r, team, day.date().atStartOfDay(team.zone()).toInstant(),
                            day.resetsAt()));
        });
    }

    /** The unpriced spend of a team in {@code [from, to)} (bucket-aligned), from its rollups. */
    private static UnpricedSpend unpriced(LedgerReader r, Team team, Instant from, Instant to) {
        RollupSessions sessions = new RollupSessions();
        r.rollups(team.id(), List.of(from, to), RollupRow.Fields.ALL, sessions);
        return sessions.unpriced();
    }
}
