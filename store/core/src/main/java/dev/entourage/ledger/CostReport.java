package dev.entourage.ledger;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * What a team spent between two dates of its zone (both included), by session, agent, model and task.
 * Spend counts on the day it was reported. Lists are ordered by cost, highest first, except {@code byDay}: every
 * day of the range, zero days included, oldest first. Totals and groups cover every session; {@code sessions} is one
 * page of them (the top ones by cost first).
 *
 * @param sessionCount how many sessions spent in the range, all pages together
 * @param nextCursor   the cursor of the page after {@code sessions}, or null when it is the last
 * @param unpriced     the part of the totals priced for models without a price ({@code cost_source "unpriced"})
 */
public record CostReport(long teamId, LocalDate since, LocalDate until, long totalCostMicros, long totalInputTokens,
                         long totalOutputTokens, List<SessionCost> sessions, List<CostGroup> byAgent,
                         List<CostGroup> byModel, List<CostGroup> byTask, List<DayCost> byDay, int sessionCount,
                         String nextCursor, UnpricedSpend unpriced) {
    /** A report without unpriced spend; see {@link #withUnpriced}. */
    public CostReport(long teamId, LocalDate since, LocalDate until, long totalCostMicros, long totalInputTokens,
                      long totalOutputTokens, List<SessionCost> sessions, List<CostGroup> byAgent,
                      List<CostGroup> byModel, List<CostGroup> byTask, List<DayCost> byDay, int sessionCount,
                      String nextCursor) {
        this(teamId, since, until, totalCostMicros, totalInputTokens, totalOutputTokens, sessions, byAgent, byModel,
                byTask, byDay, sessionCount, nextCursor, UnpricedSpend.NONE);
    }

    /** This report with its unpriced part. */
    public CostReport withUnpriced(UnpricedSpend spend) {
        return new CostReport(teamId, since, until, totalCostMicros, totalInputTokens, totalOutputTokens, sessions,
                byAgent, byModel, byTask, byDay, sessionCount, nextCursor, spend);
    }

    public CostReport {
        Objects.requireNonNull(unpriced, "unpriced");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        sessions = List.copyOf(sessions);
        byAgent = List.copyOf(byAgent);
        byModel = List.copyOf(byModel);
        byTask = List.copyOf(byTask);
        byDay = List.copyOf(byDay);
    }

    /**
     * One page of a range's sessions by cost, highest first.
     *
     * @param nextCursor the cursor of the next page, or null when this is the last
     */
    public record SessionPage(List<SessionCost> sessions, String nextCursor) {
        public SessionPage {
            sessions = List.copyOf(sessions);
        }
    }

    /** One session's spend inside the range. */
    public record SessionCost(long sessionId, String agentName, Long taskId, String taskTitle, String model,
                              long costMicros, long inputTokens, long outputTokens, long tokens,
                              long durationMinutes) {
    }

    /**
     * Spend of one agent, model or task inside the range.
     *
     * @param id the agent's or task's id; null for models and for work on no task
     */
    public record CostGroup(String name, Long id, long costMicros, long inputTokens, long outputTokens,
                            int sessions) {
    }

    /** Spend reported on one day of the team's zone; {@code sessions} counts the distinct sessions that spent. */
    public record DayCost(LocalDate day, long costMicros, long inputTokens, long outputTokens, int sessions) {
        public DayCost {
            Objects.requireNonNull(day, "day");
        }
    }
}
