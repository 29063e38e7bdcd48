package dev.entourage.ledger;

import dev.entourage.ledger.CostReport.CostGroup;
import dev.entourage.ledger.CostReport.SessionCost;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/** Builds a {@link CostReport} from summed usage lines. */
final class CostReports {
    static final String NO_TASK = "(no task)";
    static final String UNKNOWN_MODEL = "(unknown model)";

    private CostReports() {
    }

    /** A report of {@code lines}, with {@code byDay} summed from {@code slots} by day of {@code zone}. */
    static CostReport build(long teamId, LocalDate since, LocalDate until, List<UsageLine> lines,
                            LongFunction<Session> sessions, LongFunction<Task> tasks, Instant now,
                            java.time.ZoneId zone, List<UsageSlot> slots) {
        Map<Long, List<UsageLine>> bySession = new LinkedHashMap<>();
        lines.forEach(line -> bySession.computeIfAbsent(line.sessionId(), id -> new ArrayList<>()).add(line));

        List<SessionCost> sessionCosts = new ArrayList<>();
        Groups byAgent = new Groups();
        Groups byModel = new Groups();
        Groups byTask = new Groups();
        long cost = 0;
        long input = 0;
        long output = 0;
        for (Map.Entry<Long, List<UsageLine>> entry : bySession.entrySet()) {
            Session session = sessions.apply(entry.getKey());
            Task task = session.taskId() == null ? null : tasks.apply(session.taskId());
            String taskTitle = task == null ? NO_TASK : task.title();
            long sessionCost = 0;
            long sessionInput = 0;
            long sessionOutput = 0;
            long sessionTokens = 0;
            for (UsageLine line : entry.getValue()) {
                sessionCost += line.costMicros();
                sessionInput += line.inputTokens();
                sessionOutput += line.outputTokens();
                sessionTokens += line.tokens();
                String model = line.model() == null ? UNKNOWN_MODEL : line.model();
                byModel.add(model, null, session.id(), line);
            }
            entry.getValue().forEach(line -> {
                byAgent.add(session.agentName(), session.agentId(), session.id(), line);
                byTask.add(taskTitle, session.taskId(), session.id(), line);
            });
            String model = session.model() != null ? session.model() : entry.getValue().get(0).model();
            sessionCosts.add(new SessionCost(session.id(), session.agentName(), session.taskId(),
                    task == null ? null : task.title(), model, sessionCost, sessionInput, sessionOutput, sessionTokens,
                    session.durationMinutes(now)));
            cost += sessionCost;
            input += sessionInput;
            output += sessionOutput;
        }
        sessionCosts.sort(Comparator.comparingLong(SessionCost::costMicros).reversed()
                .thenComparingLong(SessionCost::sessionId));
        return new CostReport(teamId, since, until, cost, input, output, sessionCosts, byAgent.list(), byModel.list(),
                byTask.list(), byDay(since, until, zone, slots));
    }

    /** Every day from {@code since} to {@code until} (both included), oldest first, with what was spent on it. */
    static List<CostReport.DayCost> byDay(LocalDate since, LocalDate until, java.time.ZoneId zone,
                                          List<UsageSlot> slots) {
        Map<LocalDate, long[]> sums = new java.util.TreeMap<>();
        Map<LocalDate, Set<Long>> sessions = new LinkedHashMap<>();
        for (LocalDate day = since; !day.isAfter(until); day = day.plusDays(1)) {
            sums.put(day, new long[3]);
            sessions.put(day, new HashSet<>());
        }
        for (UsageSlot slot : slots) {
            LocalDate day = LocalDate.ofInstant(slot.start(), zone);
            long[] sum = sums.get(day);
            if (sum == null) {
                continue;
            }
            sum[0] += slot.costMicros();
            sum[1] += slot.inputTokens();
            sum[2] += slot.outputTokens();
            sessions.get(day).add(slot.sessionId());
        }
        List<CostReport.DayCost> days = new ArrayList<>();
        sums.forEach((day, sum) -> days.add(new CostReport.DayCost(day, sum[0], sum[1], sum[2],
                sessions.get(day).size())));
        return days;
    }

    /**
     * Sums by group, counting distinct sessions. A group with an id (an agent, a task) is keyed by its id, so two
     * tasks that share a title stay apart; a group without one (a model, "no task") by its name.
     */
    private static final class Groups {
        private record Key(Long id, String name) {
        }

        private final Map<Key, long[]> sums = new LinkedHashMap<>();
        private final Map<Key, String> names = new LinkedHashMap<>();
        private final Map<Key, Set<Long>> sessions = new LinkedHashMap<>();

        void add(String name, Long id, long sessionId, UsageLine line) {
            Key key = new Key(id, id == null ? name : null);
            long[] sum = sums.computeIfAbsent(key, k -> new long[3]);
            sum[0] += line.costMicros();
            sum[1] += line.inputTokens();
            sum[2] += line.outputTokens();
            names.putIfAbsent(key, name);
            sessions.computeIfAbsent(key, k -> new HashSet<>()).add(sessionId);
        }

        List<CostGroup> list() {
            List<CostGroup> groups = new ArrayList<>();
            sums.forEach((key, sum) -> groups.add(
                    new CostGroup(names.get(key), key.id(), sum[0], sum[1], sum[2], sessions.get(key).size())));
            groups.sort(Comparator.comparingLong(CostGroup::costMicros).reversed().thenComparing(CostGroup::name)
                    .thenComparing(group -> group.id() == null ? 0 : group.id()));
            return groups;
        }
    }
}
