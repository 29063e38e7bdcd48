package dev.entourage.ledger;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A patch of team settings; fields left as {@link Change#keep()} stay as they are.
 *
 * @param alertThresholds        percentages (1..1000); an empty list turns alerts off
 * @param alertWebhookUrl        an http(s) URL, or null to stop posting alerts
 * @param maxSessionRateMicros   micro-dollars per minute a session may spend, or null for no runaway guard
 * @param weeklyLimitMicros      the team's cap per ISO week, or null for none
 * @param monthlyLimitMicros     the team's cap per calendar month, or null for none
 * @param maxSessionCostMicros   the cap of each session, or null for none
 * @param taskTypeSessionBudgets session caps by task type (replaces the whole map)
 * @param defaultAgentDailyMicros   the daily cap of agents the team creates from now on, or null for none
 * @param defaultAgentWeeklyMicros  their weekly cap, or null for none
 * @param defaultAgentMonthlyMicros their monthly cap, or null for none
 * @param strictAgents              refuse unknown agents instead of creating them on first use
 * @param maxRepeatedToolCalls      the loop guard's N (at least 2), or null to turn it off
 * @param refuseUnpricedModels      refuse work on models the price table has no row for
 */
public record TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                           Change<Map<String, Long>> taskTypeBudgets, Change<List<Integer>> alertThresholds,
                           Change<String> alertWebhookUrl, Change<Long> maxSessionRateMicros,
                           Change<Long> weeklyLimitMicros, Change<Long> monthlyLimitMicros,
                           Change<Long> maxSessionCostMicros, Change<Map<String, Long>> taskTypeSessionBudgets,
                           Change<Long> defaultAgentDailyMicros, Change<Long> defaultAgentWeeklyMicros,
                           Change<Long> defaultAgentMonthlyMicros, Change<Boolean> strictAgents,
                           Change<Integer> maxRepeatedToolCalls, Change<Boolean> refuseUnpricedModels) {
    public TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                        Change<Map<String, Long>> taskTypeBudgets, Change<List<Integer>> alertThresholds,
                        Change<String> alertWebhookUrl, Change<Long> maxSessionRateMicros) {
        this(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl, maxSessionRateMicros,
                Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep(), Change.keep(),
                Change.keep(), Change.keep(), Change.keep(), Change.keep());
    }

    public TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                        Change<Map<String, Long>> taskTypeBudgets) {
        this(dailyLimitMicros, zone, paused, taskTypeBudgets, Change.keep(), Change.keep(), Change.keep());
    }

    public static TeamSettings none() {
        return new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep());
    }

    /** This patch, also setting the weekly and monthly caps. */
    public TeamSettings withWindows(Change<Long> weekly, Change<Long> monthly) {
        return new TeamSettings(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weekly, monthly, maxSessionCostMicros, taskTypeSessionBudgets,
                defaultAgentDailyMicros, defaultAgentWeeklyMicros, defaultAgentMonthlyMicros, strictAgents, maxRepeatedToolCalls, refuseUnpricedModels);
    }

    /** This patch, also setting the session caps. */
    public TeamSettings withSessionCaps(Change<Long> maxSessionCost, Change<Map<String, Long>> byTaskType) {
        return new TeamSettings(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weeklyLimitMicros, monthlyLimitMicros, maxSessionCost, byTaskType,
                defaultAgentDailyMicros, defaultAgentWeeklyMicros, defaultAgentMonthlyMicros, strictAgents, maxRepeatedToolCalls, refuseUnpricedModels);
    }

    /** This patch, also setting what new agents get and whether unknown agents are refused. */
    public TeamSettings withAgentDefaults(Change<Long> daily, Change<Long> weekly, Change<Long> monthly,
                                          Change<Boolean> strict) {
        return new TeamSettings(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weeklyLimitMicros, monthlyLimitMicros, maxSessionCostMicros,
                taskTypeSessionBudgets, daily, weekly, monthly, strict, maxRepeatedToolCalls, refuseUnpricedModels);
    }

    /** This patch, also setting the loop guard ({@code max_repeated_tool_calls}). */
    public TeamSettings withMaxRepeatedToolCalls(Change<Integer> max) {
        return new TeamSettings(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weeklyLimitMicros, monthlyLimitMicros, maxSessionCostMicros,
                taskTypeSessionBudgets, defaultAgentDailyMicros, defaultAgentWeeklyMicros, defaultAgentMonthlyMicros,
                strictAgents, max, refuseUnpricedModels);
    }

    /** This patch, also setting whether work on models without a price is refused. */
    public TeamSettings withRefuseUnpricedModels(Change<Boolean> refuse) {
        return new TeamSettings(dailyLimitMicros, zone, paused, taskTypeBudgets, alertThresholds, alertWebhookUrl,
                maxSessionRateMicros, weeklyLimitMicros, monthlyLimitMicros, maxSessionCostMicros,
                taskTypeSessionBudgets, defaultAgentDailyMicros, defaultAgentWeeklyMicros, defaultAgentMonthlyMicros,
                strictAgents, maxRepeatedToolCalls, refuse);
    }

    /** The team with this patch applied; {@code thresholds} and {@code webhook} are the checked forms. */
    Team applyTo(Team team, Change<List<Integer>> thresholds, Change<String> webhook) {
        return new Team(team.id(), team.name(), dailyLimitMicros.or(team.dailyLimitMicros()), zone.or(team.zone()),
                Boolean.TRUE.equals(paused.or(team.paused())),
                Objects.requireNonNullElse(taskTypeBudgets.or(team.taskTypeBudgets()), Map.of()), team.createdAt(),
                thresholds.or(team.alertThresholds()), webhook.or(team.alertWebhookUrl()),
                maxSessionRateMicros.or(team.maxSessionRateMicros()), weeklyLimitMicros.or(team.weeklyLimitMicros()),
                monthlyLimitMicros.or(team.monthlyLimitMicros()), maxSessionCostMicros.or(team.maxSessionCostMicros()),
                Objects.requireNonNullElse(taskTypeSessionBudgets.or(team.taskTypeSessionBudgets()), Map.of()),
                agentDefaults(team.agentDefaults()), maxRepeatedToolCalls.or(team.maxRepeatedToolCalls()),
                Boolean.TRUE.equals(refuseUnpricedModels.or(team.refuseUnpricedModels())));
    }

    private AgentDefaults agentDefaults(AgentDefaults old) {
        return new AgentDefaults(defaultAgentDailyMicros.or(old.dailyLimitMicros()),
                defaultAgentWeeklyMicros.or(old.weeklyLimitMicros()),
                defaultAgentMonthlyMicros.or(old.monthlyLimitMicros()),
                Boolean.TRUE.equals(strictAgents.or(old.strict())));
    }
}
