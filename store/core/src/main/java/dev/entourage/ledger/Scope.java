package dev.entourage.ledger;

/**
 * What a budget violation is about; {@link #wireName()} is the JSON value of {@code scope} and {@code stop_reason}.
 *
 * <p>The limited scopes are rules ({@link #rule()}): what they sum, over which window, where the limit comes from.
 * Adding a budget scope is one constant here plus its settings field; evaluation, counting, holds, alerts and the
 * wire shapes follow from the rule. The order is the order of violations after a person's stops.
 */
public enum Scope {
    /** A person killed the session. */
    KILLED("killed", null),
    /** The session had ended: usage reported into it afterwards is recorded and answered with stop. */
    ENDED("ended", null),
    /** A person paused the agent or its team. */
    PAUSED("paused", null),
    AGENT_DAILY("agent_daily",
            new BudgetRule("daily", BudgetSubject.AGENT, BudgetWindow.DAY, s -> s.agent().dailyLimitMicros())),
    AGENT_WEEKLY("agent_weekly",
            new BudgetRule("weekly", BudgetSubject.AGENT, BudgetWindow.WEEK, s -> s.agent().weeklyLimitMicros())),
    AGENT_MONTHLY("agent_monthly",
            new BudgetRule("monthly", BudgetSubject.AGENT, BudgetWindow.MONTH, s -> s.agent().monthlyLimitMicros())),
    TASK("task", new BudgetRule("task", BudgetSubject.TASK, BudgetWindow.ALL_TIME, Subjects::taskLimit)),
    SESSION("session", new BudgetRule("session", BudgetSubject.SESSION, BudgetWindow.ALL_TIME,
            Subjects::sessionLimit)),
    TEAM_DAILY("team_daily",
            new BudgetRule("team_daily", BudgetSubject.TEAM, BudgetWindow.DAY, s -> s.team().dailyLimitMicros())),
    TEAM_WEEKLY("team_weekly",
            new BudgetRule("team_weekly", BudgetSubject.TEAM, BudgetWindow.WEEK, s -> s.team().weeklyLimitMicros())),
    TEAM_MONTHLY("team_monthly", new BudgetRule("team_monthly", BudgetSubject.TEAM, BudgetWindow.MONTH,
            s -> s.team().monthlyLimitMicros())),
    /** A session spending faster than its team's {@code max_session_cost_per_minute_usd} over 5 minutes. */
    RUNAWAY("runaway", null);

    private final String wireName;
    private final BudgetRule rule;

    Scope(String wireName, BudgetRule rule) {
        this.wireName = wireName;
        this.rule = rule;
    }

    public String wireName() {
        return wireName;
    }

    /** The rule of a limited scope; null for the stops of a person or a guard. */
    public BudgetRule rule() {
        return rule;
    }

    public boolean limited() {
        return rule != null;
    }

    /** The limited scopes, in order. */
    public static java.util.List<Scope> limitedScopes() {
        return LIMITED;
    }

    /** The scope whose wire name is {@code wireName}. */
    public static java.util.Optional<Scope> ofWireName(String wireName) {
        for (Scope scope : values()) {
            if (scope.wireName.equals(wireName)) {
                return java.util.Optional.of(scope);
            }
        }
        return java.util.Optional.empty();
    }

    private static final java.util.List<Scope> LIMITED =
            java.util.Arrays.stream(values()).filter(Scope::limited).toList();
}
