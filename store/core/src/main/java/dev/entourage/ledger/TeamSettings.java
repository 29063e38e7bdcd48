package dev.entourage.ledger;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A patch of team settings; fields left as {@link Change#keep()} stay as they are.
 *
 * @param alertThresholds      percentages (1..1000); an empty list turns alerts off
 * @param alertWebhookUrl      an http(s) URL, or null to stop posting alerts
 * @param maxSessionRateMicros micro-dollars per minute a session may spend, or null for no runaway guard
 */
public record TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                           Change<Map<String, Long>> taskTypeBudgets, Change<List<Integer>> alertThresholds,
                           Change<String> alertWebhookUrl, Change<Long> maxSessionRateMicros) {
    public TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                        Change<Map<String, Long>> taskTypeBudgets) {
        this(dailyLimitMicros, zone, paused, taskTypeBudgets, Change.keep(), Change.keep(), Change.keep());
    }

    public static TeamSettings none() {
        return new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep());
    }
}
