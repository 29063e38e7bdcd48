package dev.entourage.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a spend priced for models the price table has no row for ({@code cost_source "unpriced"}): an
 * estimate, shown apart from what was priced or reported.
 *
 * @param totalMicros every unpriced micro-dollar in the range
 * @param bySession   unpriced micro-dollars by session id (sessions without any are absent)
 * @param byModel     unpriced micro-dollars by model as recorded (null model under {@code null} is not kept)
 */
public record UnpricedSpend(long totalMicros, Map<Long, Long> bySession, Map<String, Long> byModel) {
    /** No unpriced spend. */
    public static final UnpricedSpend NONE = new UnpricedSpend(0, Map.of(), Map.of());

    public UnpricedSpend {
        bySession = Map.copyOf(bySession);
        byModel = Map.copyOf(byModel);
    }

    /** The unpriced micro-dollars of one session with one model (null for none). */
    public record Line(long sessionId, String model, long costMicros) {
    }

    /** Sums {@code lines} (unpriced spend by session and model). */
    public static UnpricedSpend of(List<Line> lines) {
        long total = 0;
        Map<Long, Long> bySession = new LinkedHashMap<>();
        Map<String, Long> byModel = new LinkedHashMap<>();
        for (Line line : lines) {
            total += line.costMicros();
            bySession.merge(line.sessionId(), line.costMicros(), Long::sum);
            if (line.model() != null) {
                byModel.merge(line.model(), line.costMicros(), Long::sum);
            }
        }
        return new UnpricedSpend(total, bySession, byModel);
    }

    /** The unpriced micro-dollars of one session, 0 for none. */
    public long session(long sessionId) {
        return bySession.getOrDefault(sessionId, 0L);
    }

    /** The unpriced micro-dollars of one model, 0 for none or a null model. */
    public long model(String model) {
        return model == null ? 0 : byModel.getOrDefault(model, 0L);
    }
}
