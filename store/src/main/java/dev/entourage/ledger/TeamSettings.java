package dev.entourage.ledger;

import java.time.ZoneId;
import java.util.Map;

/** A patch of team settings; fields left as {@link Change#keep()} stay as they are. */
public record TeamSettings(Change<Long> dailyLimitMicros, Change<ZoneId> zone, Change<Boolean> paused,
                           Change<Map<String, Long>> taskTypeBudgets) {
    public static TeamSettings none() {
        return new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep());
    }
}
