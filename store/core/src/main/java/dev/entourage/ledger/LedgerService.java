package dev.entourage.ledger;

import dev.entourage.ledger.events.ChangeWatcher;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.pricing.PricedCost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every use case of Entourage, one method each. Adapters (MCP tools, REST routes, CLI commands) decode
 * input, call one method, and encode the answer; nothing about budgets is decided elsewhere.
 *
 * <p>All methods throw {@link LedgerException}: {@code invalid_request} naming the field for bad input,
 * {@code not_found} for unknown ids or names, {@code budget_exceeded} when new work is refused, and
 * {@code storage_unavailable} when the store cannot answer. Writes are atomic: on any exception nothing
 * of the call is written.
 */
public final class LedgerService {
    /** The longest range a cost report covers. */
    public static final int MAX_REPORT_DAYS = 366;
    /** How long a budget hold lasts unless a report settles it or it is released. */
    public static final Duration DEFAULT_HOLD_TTL = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(LedgerService.class);
    private final LedgerStore store;
    private final PriceTable prices;
    private final Clock clock;
    private final EventIds eventIds;
    private final Duration holdTtl;
    private final LedgerEvents events = new LedgerEvents();

    public LedgerService(LedgerStore store, PriceTable prices, Clock clock) {
        this(store, prices, clock, DEFAULT_HOLD_TTL);
    }

    /** @param holdTtl how long a budget hold lasts unless settled or released; positive */
    public LedgerService(LedgerStore store, PriceTable prices, Clock clock, Duration holdTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.holdTtl = Objects.requireNonNull(holdTtl, "holdTtl");
        if (holdTtl.isNegative() || holdTtl.isZero()) {
            throw new IllegalArgumentException("holdTtl must be positive");
        }
        this.eventIds = new EventIds(clock);
    }

    public Duration holdTtl() {
        return holdTtl;
    }

    public PriceTable prices() {
        return prices;
    }

    public Clock clock() {
        return clock;
    }

    /** Creates the {@code default} team if it does not exist yet; returns it. One write transaction at most. */
    public Team ensureDefaultTeam() {
        return store.read(r -> r.teamByName(Team.DEFAULT_NAME)).orElseGet(() -> store.write(w ->
                w.teamByName(Team.DEFAULT_NAME).orElseGet(() -> w.insertTeam(Team.DEFAULT_NAME, clock.instant()))));
    }

    /** The team with this id (digits) or name. */
    public Team team(String ref) {
        return store.read(r -> findTeam(r, ref));
    }

    public List<Team> teams() {
        return store.read(LedgerReader::teams);
    }

    /**
     * Creates the team if it is new, then applies {@code settings}, in one write transaction.
     *
     * @throws LedgerException {@code invalid_request} for a bad name or a negative limit
     */
    public Team setTeam(String name, TeamSettings settings) {
        String teamName = Text.name("team", name);
        if (settings.zone().present() && settings.zone().value() == null) {
            throw LedgerException.invalid("timezone", "must be an IANA time zone such as Europe/Berlin");
        }
        checkLimit("daily_cost_limit_usd", settings.dailyLimitMicros());
        Map<String, Long> typeBudgets = Objects.requireNonNullElse(settings.taskTypeBudgets().or(Map.of()), Map.of());
        typeBudgets.keySet().forEach(type -> Text.name("task_type_budgets_usd", type));
        typeBudgets.values().forEach(v -> checkLimit("task_type_budgets_usd", Change.to(v)));
        checkLimit("max_session_cost_per_minute_usd", settings.maxSessionRateMicros());
        Change<List<Integer>> thresholds = settings.alertThresholds().present()
                ? Change.to(thresholds(settings.alertThresholds().value())) : Change.keep();
        Change<String> webhook = settings.alertWebhookUrl().present()
                ? Change.to(webhookUrl(settings.alertWebhookUrl().value())) : Change.keep();
        Team saved = store.write(w -> {
            Team team = w.teamByName(teamName).orElseGet(() -> w.insertTeam(teamName, clock.instant()));
            Team changed = new Team(team.id(), team.name(),
                    settings.dailyLimitMicros().or(team.dailyLimitMicros()),
                    settings.zone().or(team.zone()),
                    Boolean.TRUE.equals(settings.paused().or(team.paused())),
                    Objects.requireNonNullElse(settings.taskTypeBudgets().or(team.taskTypeBudgets()), Map.of()),
                    team.createdAt(), thresholds.or(team.alertThresholds()), webhook.or(team.alertWebhookUrl()),
                    settings.maxSessionRateMicros().or(team.maxSessionRateMicros()));
            w.updateTeam(changed);
            return changed;
        });
        if (settings.paused().present()) {
            events.publish(new LedgerEvent.TeamPaused(saved.id(), saved.paused()));
        }
        return saved;
    }

    /**
     * The agent called {@code name}, created in team {@code teamName} if it does not exist yet.
     *
     * @throws LedgerException {@code not_found} when the team does not exist
     */
    public Agent ensureAgent(String name, String teamName) {
        String agentName = Text.name("agent", name);
        return store.read(r -> r.agentByName(agentName)).orElseGet(() -> store.write(w ->
                w.agentByName(agentName).orElseGet(() ->
                        w.insertAgent(agentName,
                                findTeam(w, teamName == null ? Team.DEFAULT_NAME : teamName).id(), clock.instant()))));
    }

    /**
     * Creates the agent if it is new (in {@code teamName}, else the default team), moves it when
     * {@code teamName} names another team, and applies {@code settings}; one write transaction.
     */
    public Agent setAgent(String name, String teamName, AgentSettings settings) {
        String agentName = Text.name("agent", name);
        checkLimit("daily_limit_usd", settings.dailyLimitMicros());
        Agent saved = store.write(w -> {
            Team team = findTeam(w, teamName == null ? Team.DEFAULT_NAME : teamName);
            Agent agent = w.agentByName(agentName).orElseGet(() -> w.insertAgent(agentName, team.id(), clock.instant()));
            Agent changed = new Agent(agent.id(), agent.name(), teamName == null ? agent.teamId() : team.id(),
                    settings.dailyLimitMicros().or(agent.dailyLimitMicros()),
                    Boolean.TRUE.equals(settings.paused().or(agent.paused())), agent.createdAt());
            w.updateAgent(changed);
            return changed;
        });
        if (settings.paused().present()) {
            events.publish(new LedgerEvent.AgentPaused(saved.teamId(), saved.id(), saved.paused()));
        }
        return saved;
    }

    /** The agent with this id (digits) or name. */
    public Agent agent(String ref) {
        return store.read(r -> findAgent(r, ref));
    }

    /**
     * Creates a task in a team. Its cap is {@code budget_usd} if given, else its {@code budget:} tag.
     *
     * @throws LedgerException {@code invalid_request} on {@code tags} for a malformed budget tag
     */
    public Task createTask(String teamRef, NewTask task) {
        Long tagCap = BudgetTags.cap(task.tags()).orElse(null);
        Long cap = task.budgetMicros() != null ? task.budgetMicros() : tagCap;
        return store.write(w -> w.insertTask(findTeam(w, teamRef).id(), task, cap, clock.instant()));
    }

    public Task task(long id) {
        return store.read(r -> findTask(r, id));
    }

    /**
     * Opens a session for the agent, unless the agent is over budget on any scope that would apply
     * (its day, the task, the team's day) or paused. The check and the insert are one write transaction.
     *
     * @param taskId null for work on no task
     * @param model  null when unknown; usage without {@code cost_usd} is then priced as an unknown model
     * @throws BudgetExceededException when a scope trips; carries the budget
     */
    public SessionStart startSession(long agentId, Long taskId, String model) {
        String modelId = Text.optional("model", model, 200);
        SessionStart started = store.write(w -> {
            Instant now = clock.instant();
            Agent agent = findAgent(w, agentId);
            Team team = findTeam(w, agent.teamId());
            Task task = taskId == null ? null : findTask(w, taskId);
            if (task != null && task.teamId() != agent.teamId()) {
                throw LedgerException.invalid("task_id", "task " + taskId + " belongs to another team");
            }
            w.expireHolds(team.id(), now);
            Budget budget = BudgetPolicy.evaluate(w, team, agent, task, null, now);
            if (budget.overBudget()) {
                throw new BudgetExceededException(BudgetPolicy.explain(agent.name(), budget), budget);
            }
            return new SessionStart(w.insertSession(agent, taskId, modelId, now), budget);
        });
        events.publish(new LedgerEvent.SessionChanged(started.session()));
        return started;
    }

    /**
     * Records a usage report and decides, in the same write transaction, whether the agent may go on.
     * Usage is always recorded, also when a limit was crossed: the answer then says {@code stop}. A replay
     * of a recorded {@code event_id} is answered with the first answer's cost and decision, marked
     * {@code duplicate}, and writes nothing.
     *
     * @throws LedgerException {@code not_found} for an unknown session, {@code idempotency_mismatch} when an
     *                         {@code event_id} is replayed with a different body
     */
    public UsageReceipt reportUsage(UsageReport report) {
        return reportUsage(report, null);
    }

    /**
     * As {@link #reportUsage(UsageReport)}, acting for one agent only.
     *
     * @param actingAgentId the agent the caller acts for, or null for a caller that may act for any
     * @throws LedgerException {@code forbidden} when the session belongs to another agent
     */
    public UsageReceipt reportUsage(UsageReport report, Long actingAgentId) {
        return reportUsage(report, actingAgentId, null);
    }

    /**
     * As {@link #reportUsage(UsageReport, Long)}, for a caller of one team: another team's session is
     * {@code not_found}, checked in the same transaction as the write.
     *
     * @param actingTeamId the caller's team, or null for a caller of any team
     */
    public UsageReceipt reportUsage(UsageReport report, Long actingAgentId, Long actingTeamId) {
        Acting acting = new Acting(actingAgentId, actingTeamId);
        UsageReceipt receipt;
        if (report.eventId() == null) {
            String fresh = eventIds.next(); // a new UUIDv7: nothing can have been recorded under it
            receipt = store.write(w -> record(w, report, fresh, acting));
        } else {
            String eventId = report.eventId();
            receipt = store.write(w -> w.usageByEventId(eventId)
                    .map(first -> replay(w, first, report, acting))
                    .orElseGet(() -> record(w, report, eventId, acting)));
        }
        receipt.alerts().forEach(alert -> LOG.info("Alert {}: {}", alert.id(), alert.text()));
        publishUsage(receipt);
        return receipt;
    }

    private UsageReceipt record(LedgerWriter w, UsageReport report, String eventId, Acting acting) {
        Instant now = clock.instant();
        Session session = acting.ownSession(w, report.sessionId());
        Agent agent = findAgent(w, session.agentId());
        Team team = findTeam(w, agent.teamId());
        String model = report.model() != null ? report.model() : session.model();
        HoldStatus holdStatus = settleHold(w, report.holdId(), agent, eventId, now);
        w.expireHolds(team.id(), now);

        long cost;
        CostSource source;
        ModelPrice price = null;
        if (report.costMicros() != null) {
            cost = report.costMicros();
            source = CostSource.REPORTED;
        } else {
            PricedCost priced = prices.price(model, report.tokens());
            cost = priced.costMicros();
            source = priced.estimated() ? CostSource.ESTIMATED : CostSource.PRICED;
            price = priced.price();
        }

        BudgetDay day = BudgetDay.of(now, team.zone());
        Task task = session.taskId() == null ? null : findTask(w, session.taskId());
        List<Alert> alerts = new ArrayList<>();
        spend(w, SpendKey.agentDay(agent.id(), day.date()), agent.dailyLimitMicros(), cost, team, agent, session,
                now, alerts);
        spend(w, SpendKey.teamDay(team.id(), day.date()), team.dailyLimitMicros(), cost, team, agent, session, now,
                alerts);
        if (task != null) {
            Long taskLimit = task.budgetMicros() != null
                    ? task.budgetMicros() : team.taskTypeBudget(task.taskType()).orElse(null);
            spend(w, SpendKey.task(task.id()), taskLimit, cost, team, agent, session, now, alerts);
        }
        w.addToSession(session.id(), report.tokens(), cost);

        Session updated = session.plus(report.tokens(), cost);
        Budget budget = BudgetPolicy.evaluate(w, team, agent, task, updated, now);
        if (team.maxSessionRateMicros() != null) {
            long windowLimit = team.maxSessionRateMicros() * Team.RUNAWAY_WINDOW_MINUTES;
            long recent = w.sessionSpentSince(session.id(), now.minus(Duration.ofMinutes(Team.RUNAWAY_WINDOW_MINUTES)))
                    + cost;
            if (recent > windowLimit) {
                budget = budget.withViolation(new Violation(Scope.RUNAWAY, windowLimit, recent, null));
            }
        }
        Action action = budget.overBudget() ? Action.STOP : Action.CONTINUE;
        String stopReason = budget.firstViolation().map(Scope::wireName).orElse(null);
        if (action == Action.STOP && updated.stopReason() == null) {
            w.recordStop(session.id(), stopReason);
            updated = updated.stoppedFor(stopReason);
        }
        w.insertUsage(new StoredUsage(eventId, session.id(), agent.id(), team.id(), session.taskId(), model,
                report.tokens(), cost, source, price, report.fingerprint(), action, stopReason, now));
        return new UsageReceipt(session.id(), eventId, false, cost, source, updated, budget, action, stopReason,
                report.holdId(), holdStatus, alerts);
    }

    /**
     * Adds {@code cost} to one counter and records an alert for each of the team's thresholds it crosses: spent
     * before {@literal <} threshold × limit {@literal <=} spent after. Each (scope, window, threshold) fires once;
     * a crossing some other writer recorded already is not repeated.
     */
    private static void spend(LedgerWriter w, SpendKey key, Long limit, long cost, Team team, Agent agent,
                              Session session, Instant now, List<Alert> fired) {
        w.addSpend(key, cost);
        long after = w.spent(key);
        long before = after - cost;
        if (limit == null || limit <= 0) {
            return;
        }
        for (int percent : team.alertThresholds()) {
            long mark = limit * percent; // compared with spent × 100, exactly
            if (before * 100 < mark && mark <= after * 100) {
                Alert alert = new Alert(0, team.id(), team.name(), key.scope(), key.scopeId(), key.window(), percent,
                        limit, after, agent.id(), agent.name(), session.taskId(), session.id(), now, null, 0);
                w.insertAlert(alert, now).ifPresent(fired::add);
            }
        }
    }

    /** A team's alerts, newest first (at most {@code limit}). */
    public List<Alert> alerts(String teamRef, int limit) {
        return store.read(r -> r.alerts(findTeam(r, teamRef).id(), limit));
    }

    /** Alerts due for a webhook delivery attempt now (see {@link LedgerReader#dueAlerts}). */
    public List<Alert> dueAlerts(int maxAttempts, int limit) {
        return store.read(r -> r.dueAlerts(clock.instant(), maxAttempts, limit));
    }

    /** Takes a due alert for one attempt, leasing it for {@code lease}; false when another took it. */
    public boolean claimAlert(long alertId, Duration lease) {
        return store.write(w -> {
            Instant now = clock.instant();
            return w.claimAlert(alertId, now, now.plus(lease));
        });
    }

    /** Records a delivery attempt: delivered now when {@code error} is null, else due again after {@code retryIn}. */
    public void recordAlertAttempt(long alertId, String error, Duration retryIn) {
        store.<Void>write(w -> {
            Instant now = clock.instant();
            w.recordAlertAttempt(alertId, error == null ? now : null, error == null ? now : now.plus(retryIn), error);
            return null;
        });
    }

    /**
     * Settles the hold a report names, before its cost is counted, so the reservation gives way to the real
     * cost. A hold that expired or was released is not settled, but the report is still recorded: the money
     * was spent, and usage is never lost. Returns what became of the hold; null without one.
     *
     * @throws LedgerException {@code invalid_request} on {@code hold_id} for an unknown hold, another agent's
     *                         hold, or a hold that another report settled already
     */
    private static HoldStatus settleHold(LedgerWriter w, String holdId, Agent agent, String eventId, Instant now) {
        if (holdId == null) {
            return null;
        }
        BudgetHold hold = w.hold(holdId).filter(h -> h.agentId() == agent.id()).orElseThrow(() ->
                LedgerException.invalid("hold_id", "no hold '" + holdId + "' of agent " + agent.name()
                        + " exists; send the hold_id check_budget returned, or leave hold_id out"));
        HoldStatus status = hold.statusAt(now);
        switch (status) {
            case HELD -> w.closeHold(holdId, HoldStatus.SETTLED, now, eventId);
            case SETTLED -> throw LedgerException.invalid("hold_id", "hold '" + holdId
                    + "' was already settled by another report; a hold settles one report, so reserve again "
                    + "or leave hold_id out");
            case EXPIRED -> w.closeHold(holdId, HoldStatus.EXPIRED, hold.expiresAt(), null);
            case RELEASED -> {
                // released before: nothing to settle; the usage still counts
            }
        }
        return status == HoldStatus.HELD ? HoldStatus.SETTLED : status;
    }

    private UsageReceipt replay(LedgerWriter w, StoredUsage first, UsageReport report, Acting acting) {
        acting.ownSession(w, first.sessionId());
        if (!first.fingerprint().equals(report.fingerprint())) {
            throw new LedgerException(ErrorCode.IDEMPOTENCY_MISMATCH, "event_id: '" + first.eventId()
                    + "' was already recorded with a different report; use a new event_id for new usage",
                    Map.of("field", "event_id"), null);
        }
        Session session = findSession(w, first.sessionId());
        Budget budget = evaluate(w, session, session.taskId());
        HoldStatus holdStatus = report.holdId() == null ? null
                : w.hold(report.holdId()).map(h -> h.statusAt(clock.instant())).orElse(null);
        return new UsageReceipt(first.sessionId(), first.eventId(), true, first.costMicros(), first.costSource(),
                session, budget, first.action(), first.stopReason(), report.holdId(), holdStatus);
    }

    /**
     * The agent's budget now. The task scope is {@code taskId}'s, else that of the session {@code sessionId},
     * else that of the agent's newest active session; a read transaction, nothing is written.
     *
     * @param sessionId the caller's own session, or null
     */
    public Budget checkBudget(long agentId, Long taskId, Long sessionId) {
        return store.read(r -> {
            Agent agent = findAgent(r, agentId);
            Session session = sessionId != null
                    ? findSession(r, sessionId)
                    : r.latestActiveSession(agent.id()).orElse(null);
            if (session != null && session.agentId() != agent.id()) {
                throw LedgerException.invalid("session_id", "session " + sessionId + " belongs to another agent");
            }
            Long effectiveTask = taskId != null ? taskId : session == null ? null : session.taskId();
            return evaluate(r, agent, session, effectiveTask);
        });
    }

    /**
     * {@code check_budget} with an estimate: in one write transaction, evaluates the budget counting held amounts
     * as spent and, if {@code estimateMicros} more fits on every applicable scope (agent daily, task, team daily;
     * and nothing is paused or killed), reserves it as a hold that lasts {@link #holdTtl()}. The task and session
     * are chosen as in {@link #checkBudget}.
     *
     * @throws BudgetExceededException when it does not fit; its budget's violations name each scope that would
     *                                 trip (with the estimate), its details the first {@code scope} and its
     *                                 {@code remaining_usd}
     * @throws LedgerException         {@code invalid_request} on {@code estimated_cost_usd} for a negative or
     *                                 absurd estimate
     */
    public HoldReceipt reserve(long agentId, Long taskId, Long sessionId, long estimateMicros) {
        if (estimateMicros < 0 || estimateMicros > Money.MAX_REPORTED_MICROS) {
            throw LedgerException.invalid("estimated_cost_usd", "must be between 0 and 10000");
        }
        return store.write(w -> {
            Instant now = clock.instant();
            Agent agent = findAgent(w, agentId);
            Team team = findTeam(w, agent.teamId());
            Session session = sessionId != null
                    ? findSession(w, sessionId)
                    : w.latestActiveSession(agent.id()).orElse(null);
            if (session != null && session.agentId() != agent.id()) {
                throw LedgerException.invalid("session_id", "session " + sessionId + " belongs to another agent");
            }
            Long effectiveTask = taskId != null ? taskId : session == null ? null : session.taskId();
            Task task = effectiveTask == null ? null : findTask(w, effectiveTask);
            if (task != null && task.teamId() != team.id()) {
                throw LedgerException.invalid("task_id", "task " + effectiveTask + " belongs to another team");
            }
            w.expireHolds(team.id(), now);
            Budget wouldBe = BudgetPolicy.evaluate(w, team, agent, task, session, now, estimateMicros);
            if (wouldBe.overBudget()) {
                Violation first = wouldBe.violations().get(0);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("scope", first.scope().wireName());
                details.put("estimated_cost_usd", Money.toDollars(estimateMicros));
                if (first.remainingMicros() != null) {
                    details.put("remaining_usd", Money.toDollars(first.remainingMicros()));
                }
                throw new BudgetExceededException(BudgetPolicy.explainReservation(agent.name(), estimateMicros,
                        wouldBe), wouldBe, details);
            }
            BudgetHold hold = new BudgetHold(eventIds.next(), agent.id(), team.id(), task == null ? null : task.id(),
                    session == null ? null : session.id(), estimateMicros, now, now.plus(holdTtl), HoldStatus.HELD,
                    null, null);
            w.insertHold(hold);
            return new HoldReceipt(hold, BudgetPolicy.evaluate(w, team, agent, task, session, now));
        });
    }

    /** The hold with this id, as it stands now (a held hold whose time ran out reads as expired). */
    public BudgetHold hold(String holdId) {
        return store.read(r -> current(findHold(r, holdId), clock.instant()));
    }

    /**
     * Releases a hold before it is used, so its amount stops counting. Releasing a hold that is settled,
     * released or expired changes nothing and returns it as it is.
     *
     * @param actingAgentId the agent the caller acts for, or null for a caller that may act for any
     * @throws LedgerException {@code not_found} for an unknown hold, {@code forbidden} for another agent's
     */
    public BudgetHold releaseHold(String holdId, Long actingAgentId) {
        return store.write(w -> {
            Instant now = clock.instant();
            BudgetHold hold = findHold(w, holdId);
            if (actingAgentId != null && hold.agentId() != actingAgentId) {
                throw new LedgerException(ErrorCode.FORBIDDEN, "hold " + holdId + " belongs to another agent",
                        Map.of("field", "hold_id"), null);
            }
            w.expireHolds(hold.teamId(), now);
            if (hold.statusAt(now) == HoldStatus.HELD) {
                w.closeHold(holdId, HoldStatus.RELEASED, now, null);
            }
            return current(findHold(w, holdId), now);
        });
    }

    private static BudgetHold current(BudgetHold hold, Instant now) {
        HoldStatus status = hold.statusAt(now);
        return status == hold.status() ? hold : new BudgetHold(hold.id(), hold.agentId(), hold.teamId(),
                hold.taskId(), hold.sessionId(), hold.amountMicros(), hold.createdAt(), hold.expiresAt(), status,
                hold.expiresAt(), null);
    }

    private static BudgetHold findHold(LedgerReader r, String holdId) {
        String id = Text.required("hold_id", holdId, 200);
        return r.hold(id).orElseThrow(() -> LedgerException.notFound("hold_id", "hold '" + id + "' does not exist"));
    }

    private Budget evaluate(LedgerReader r, Session session, Long taskId) {
        return evaluate(r, findAgent(r, session.agentId()), session, taskId);
    }

    private Budget evaluate(LedgerReader r, Agent agent, Session session, Long taskId) {
        Task task = taskId == null ? null : findTask(r, taskId);
        return BudgetPolicy.evaluate(r, findTeam(r, agent.teamId()), agent, task, session, clock.instant());
    }

    /** Ends a session; ending an ended or killed session changes nothing and returns it as it is. */
    public Session endSession(long sessionId) {
        return endSession(sessionId, null);
    }

    /**
     * As {@link #endSession(long)}, acting for one agent only.
     *
     * @param actingAgentId the agent the caller acts for, or null for a caller that may act for any
     * @throws LedgerException {@code forbidden} when the session belongs to another agent
     */
    public Session endSession(long sessionId, Long actingAgentId) {
        Instant asked = clock.instant();
        Session ended = store.write(w -> {
            Session session = ownSession(w, sessionId, actingAgentId);
            if (!session.isActive()) {
                return session;
            }
            w.endSession(sessionId, SessionStatus.ENDED, clock.instant(), null);
            return findSession(w, sessionId);
        });
        publishClosed(ended, asked, null);
        return ended;
    }

    public Session session(long sessionId) {
        return store.read(r -> findSession(r, sessionId));
    }

    /** An agent's sessions, newest first. */
    public List<Session> sessions(long agentId, SessionQuery query) {
        return store.read(r -> r.sessions(findAgent(r, agentId).id(), query));
    }

    /**
     * Changes an existing team's settings (a PATCH).
     *
     * @throws LedgerException {@code not_found} when the team does not exist
     */
    public Team updateTeam(String teamRef, TeamSettings settings) {
        return setTeam(team(teamRef).name(), settings);
    }

    /**
     * Creates an agent in a team.
     *
     * @param dailyLimitMicros the agent's daily cap, or null for none
     * @throws LedgerException {@code conflict} when an agent of that name exists
     */
    public Agent createAgent(String teamRef, String name, Long dailyLimitMicros) {
        String agentName = Text.name("name", name);
        checkLimit("daily_limit_usd", Change.to(dailyLimitMicros));
        return store.write(w -> {
            Team team = findTeam(w, teamRef);
            if (w.agentByName(agentName).isPresent()) {
                throw new LedgerException(ErrorCode.CONFLICT, "name: an agent called '" + agentName + "' exists",
                        Map.of("field", "name"), null);
            }
            Agent agent = w.insertAgent(agentName, team.id(), clock.instant());
            Agent limited = new Agent(agent.id(), agent.name(), agent.teamId(), dailyLimitMicros, false,
                    agent.createdAt());
            w.updateAgent(limited);
            return limited;
        });
    }

    /**
     * Changes an existing agent's settings (a PATCH).
     *
     * @throws LedgerException {@code not_found} when the agent does not exist
     */
    public Agent updateAgent(String agentRef, AgentSettings settings) {
        return setAgent(agent(agentRef).name(), null, settings);
    }

    /** A team's tasks with their spend, newest first. */
    public List<TaskSpend> tasks(String teamRef) {
        return store.read(r -> {
            Team team = findTeam(r, teamRef);
            return r.tasks(team.id()).stream().map(task -> taskSpend(r, team, task)).toList();
        });
    }

    /** One task with its spend. */
    public TaskSpend taskSpend(long taskId) {
        return store.read(r -> {
            Task task = findTask(r, taskId);
            return taskSpend(r, findTeam(r, task.teamId()), task);
        });
    }

    private static TaskSpend taskSpend(LedgerReader r, Team team, Task task) {
        Long limit = task.budgetMicros() != null ? task.budgetMicros() : team.taskTypeBudget(task.taskType()).orElse(null);
        return new TaskSpend(task, limit, r.spent(SpendKey.task(task.id())));
    }

    /**
     * Kills a session: from now on every answer for it says stop ({@code killed}); usage reported after
     * the kill is still recorded. Killing an ended or killed session changes nothing.
     *
     * @param reason why, for the log; may be null
     */
    public Session killSession(long sessionId, String reason) {
        String why = Text.optional("reason", reason, 500);
        Instant asked = clock.instant();
        Session killed = store.write(w -> {
            Session session = findSession(w, sessionId);
            if (!session.isActive()) {
                return session;
            }
            w.endSession(sessionId, SessionStatus.KILLED, clock.instant(), Scope.KILLED.wireName());
            LOG.info("Session {} of {} killed{}", sessionId, session.agentName(), why == null ? "" : ": " + why);
            return findSession(w, sessionId);
        });
        publishClosed(killed, asked, why);
        return killed;
    }

    /**
     * What a team spent from {@code since} to {@code until}, dates in the team's zone, both included.
     *
     * @param since null for today; {@code until} null for today (or {@code since} if that is later)
     * @throws LedgerException {@code invalid_request} when {@code until} is before {@code since} or the range
     *                         is longer than {@value #MAX_REPORT_DAYS} days
     */
    public CostReport costs(String teamRef, LocalDate since, LocalDate until) {
        return store.read(r -> {
            Team team = findTeam(r, teamRef);
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, team.zone());
            LocalDate from = since != null ? since : until != null && until.isBefore(today) ? until : today;
            LocalDate to = until != null ? until : from.isAfter(today) ? from : today;
            if (to.isBefore(from)) {
                throw LedgerException.invalid("until", "must not be before since");
            }
            if (ChronoUnit.DAYS.between(from, to) >= MAX_REPORT_DAYS) {
                throw LedgerException.invalid("since", "the range must be at most " + MAX_REPORT_DAYS + " days");
            }
            List<UsageLine> lines = r.usageBetween(team.id(), from.atStartOfDay(team.zone()).toInstant(),
                    to.plusDays(1).atStartOfDay(team.zone()).toInstant());
            List<UsageSlot> slots = r.usageSlots(team.id(), from.atStartOfDay(team.zone()).toInstant(),
                    to.plusDays(1).atStartOfDay(team.zone()).toInstant());
            return CostReports.build(team.id(), from, to, lines, id -> findSession(r, id), id -> findTask(r, id), now,
                    team.zone(), slots);
        });
    }

    /** The bus on which this service publishes what it committed (usage, sessions, kills, alerts, pauses). */
    public LedgerEvents events() {
        return events;
    }

    /**
     * Starts a daemon thread that looks every {@code every} for writes of other processes on the same database (stdio
     * sidecars) and publishes a {@link LedgerEvent.ExternalChange} on {@link #events()} when it finds some. Closing the
     * answer stops it.
     */
    public AutoCloseable watchOtherWriters(Duration every) {
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive");
        }
        return new ChangeWatcher(store, events, every);
    }

    /**
     * What the dashboard shows of a team, in one read transaction: today's spend against the limit, every agent with
     * its spend today, active and recent sessions, the newest tasks and alerts.
     */
    public DashboardView dashboard(String teamRef) {
        return store.read(r -> {
            Team team = findTeam(r, teamRef);
            Instant now = clock.instant();
            BudgetDay day = BudgetDay.of(now, team.zone());
            List<Session> active = r.teamSessions(team.id(), true, SessionQuery.MAX_LIMIT);
            Map<Long, Integer> open = new java.util.HashMap<>();
            active.forEach(s -> open.merge(s.agentId(), 1, Integer::sum));
            List<DashboardView.AgentDay> agents = r.agents(team.id()).stream()
                    .map(a -> new DashboardView.AgentDay(a, r.spent(SpendKey.agentDay(a.id(), day.date())),
                            open.getOrDefault(a.id(), 0)))
                    .toList();
            List<TaskSpend> tasks = r.tasks(team.id()).stream().limit(DashboardView.TASKS)
                    .map(task -> taskSpend(r, team, task)).toList();
            return new DashboardView(team, now, day, r.spent(SpendKey.teamDay(team.id(), day.date())), agents, active,
                    r.teamSessions(team.id(), false, DashboardView.RECENT_SESSIONS), tasks,
                    r.alerts(team.id(), DashboardView.ALERTS));
        });
    }

    /** A team's spend over {@code range} in buckets, one series per agent or model; one read transaction. */
    public SpendSeries spend(String teamRef, SpendSeries.Range range, SpendSeries.Split by) {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(by, "by");
        return store.read(r -> {
            Team team = findTeam(r, teamRef);
            Instant now = clock.instant();
            List<java.time.ZonedDateTime> starts = SpendSeries.bucketStarts(range, team.zone(), now);
            List<UsageSlot> slots = r.usageSlots(team.id(), starts.get(0).toInstant(),
                    SpendSeries.end(range, team.zone(), now));
            return SpendSeries.build(range, by, team.zone(), now, slots);
        });
    }

    private void publishUsage(UsageReceipt receipt) {
        if (receipt.duplicate() || !events.hasListeners()) {
            return;
        }
        events.publish(new LedgerEvent.UsageRecorded(receipt, clock.instant()));
        receipt.alerts().forEach(alert -> events.publish(new LedgerEvent.AlertFired(alert)));
    }

    /** Publishes a session this call closed (not one closed before it was asked). */
    private void publishClosed(Session session, Instant asked, String killReason) {
        if (session.isActive() || session.endedAt() == null
                || session.endedAt().isBefore(asked.truncatedTo(ChronoUnit.MILLIS))) {
            return;
        }
        events.publish(new LedgerEvent.SessionChanged(session));
        if (session.status() == SessionStatus.KILLED) {
            events.publish(new LedgerEvent.SessionKilled(session, killReason));
        }
    }

    /** The highest alert threshold accepted, in percent. */
    public static final int MAX_ALERT_THRESHOLD = 1000;

    private static List<Integer> thresholds(List<Integer> given) {
        if (given == null) {
            return Team.DEFAULT_ALERT_THRESHOLDS;
        }
        for (Integer t : given) {
            if (t == null || t < 1 || t > MAX_ALERT_THRESHOLD) {
                throw LedgerException.invalid("alert_thresholds", "must be whole percentages from 1 to "
                        + MAX_ALERT_THRESHOLD + ", e.g. [80, 100]");
            }
        }
        if (given.size() > 20) {
            throw LedgerException.invalid("alert_thresholds", "must have at most 20 percentages");
        }
        return given.stream().distinct().sorted().toList();
    }

    private static String webhookUrl(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String url = given.strip();
        String problem = "must be an http or https URL such as https://hooks.slack.com/services/…, or null";
        if (url.length() > 2000) {
            throw LedgerException.invalid("alert_webhook_url", problem);
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()) {
                throw LedgerException.invalid("alert_webhook_url", problem);
            }
        } catch (java.net.URISyntaxException e) {
            throw LedgerException.invalid("alert_webhook_url", problem);
        }
        return url;
    }

    private static void checkLimit(String field, Change<Long> limit) {
        if (limit.present() && limit.value() != null && limit.value() < 0) {
            throw LedgerException.invalid(field, "must not be negative");
        }
    }

    private static Team findTeam(LedgerReader r, String ref) {
        Objects.requireNonNull(ref, "team");
        return (isId(ref) ? r.team(Long.parseLong(ref)) : r.teamByName(ref))
                .orElseThrow(() -> LedgerException.notFound("team", "team '" + ref + "' does not exist"));
    }

    private static Team findTeam(LedgerReader r, long id) {
        return r.team(id).orElseThrow(() -> LedgerException.notFound("team", "team " + id + " does not exist"));
    }

    private static Agent findAgent(LedgerReader r, String ref) {
        Objects.requireNonNull(ref, "agent");
        return (isId(ref) ? r.agent(Long.parseLong(ref)) : r.agentByName(ref))
                .orElseThrow(() -> LedgerException.notFound("agent", "agent '" + ref + "' does not exist"));
    }

    private static Agent findAgent(LedgerReader r, long id) {
        return r.agent(id).orElseThrow(() -> LedgerException.notFound("agent", "agent " + id + " does not exist"));
    }

    private static Task findTask(LedgerReader r, long id) {
        return r.task(id).orElseThrow(() -> LedgerException.notFound("task_id", "task " + id + " does not exist"));
    }

    private static Session findSession(LedgerReader r, long id) {
        return r.session(id)
                .orElseThrow(() -> LedgerException.notFound("session_id", "session " + id + " does not exist"));
    }

    private static Session ownSession(LedgerReader r, long id, Long actingAgentId) {
        return checkAgent(findSession(r, id), actingAgentId);
    }

    private static Session checkAgent(Session session, Long actingAgentId) {
        if (actingAgentId != null && session.agentId() != actingAgentId) {
            throw new LedgerException(ErrorCode.FORBIDDEN, "session " + session.id() + " belongs to another agent",
                    Map.of("field", "session_id"), null);
        }
        return session;
    }

    /** Whom a report acts for: one agent, one team, or (nulls) anyone. */
    private record Acting(Long agentId, Long teamId) {
        Session ownSession(LedgerReader r, long id) {
            Session session = findSession(r, id);
            if (teamId != null && session.teamId() != teamId) {
                throw LedgerException.notFound("session_id", "session " + id + " does not exist");
            }
            return checkAgent(session, agentId);
        }
    }

    private static boolean isId(String ref) {
        return !ref.isEmpty() && ref.length() < 19 && ref.chars().allMatch(Character::isDigit);
    }
}
