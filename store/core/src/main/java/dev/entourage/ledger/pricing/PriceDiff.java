package dev.entourage.ledger.pricing;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changes between two tables on one day: rows added, removed, or with other rates, tiers or multipliers. A row
 * whose id the old table already prices through another row (an alias, a dated snapshot of a family) is compared
 * with that row, and only listed when it differs.
 */
public final class PriceDiff {
    private PriceDiff() {
    }

    /**
     * One difference for one row id.
     *
     * @param id     the row id
     * @param kind   {@code added}, {@code removed} or {@code changed}
     * @param before the rates in the old table ({@code in/out/5m/1h/read}, tiers after a space); null when added
     * @param after  the same in the new table; null when removed
     * @param source the new row's source (the old one's when removed)
     */
    public record Change(String id, String kind, String before, String after, String source) {
    }

    /** The differences from {@code before} to {@code after} for the versions in force on {@code day}. */
    public static List<Change> between(PriceTable before, PriceTable after, LocalDate day) {
        return between(before, after, day, day);
    }

    /** The differences from {@code before} on {@code beforeDay} to {@code after} on {@code afterDay}. */
    public static List<Change> between(PriceTable before, PriceTable after, LocalDate beforeDay, LocalDate afterDay) {
        Map<String, PriceRow> old = current(before, beforeDay);
        Map<String, PriceRow> now = current(after, afterDay);
        List<Change> changes = new ArrayList<>();
        now.forEach((id, row) -> {
            PriceRow was = old.get(id);
            PriceRow resolved = was != null ? null : resolved(before, id, beforeDay);
            if (was == null && resolved == null) {
                changes.add(new Change(id, "added", null, describe(after, row), row.source()));
            } else if (was == null) {
                if (!describe(before, resolved).equals(describe(after, row))) {
                    changes.add(new Change(id + " (now " + resolved.id() + ")", "changed", describe(before, resolved),
                            describe(after, row), row.source()));
                }
            } else if (!Objects.equals(describe(before, was), describe(after, row))) {
                changes.add(new Change(id, "changed", describe(before, was), describe(after, row), row.source()));
            }
        });
        old.forEach((id, row) -> {
            if (!now.containsKey(id)) {
                changes.add(new Change(id, "removed", describe(before, row), null, row.source()));
            }
        });
        return changes;
    }

    /** The row {@code id} is priced by in {@code table} (exact id, family or prefix), or null when unpriced. */
    private static PriceRow resolved(PriceTable table, String id, LocalDate day) {
        PriceRequest request = PriceRequest.of(id, dev.entourage.ledger.TokenCounts.ZERO)
                .at(day == null ? null : day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        PricedCost cost = table.price(request);
        return cost.unpriced() ? null : cost.explanation().row();
    }

    private static Map<String, PriceRow> current(PriceTable table, LocalDate day) {
        Map<String, PriceRow> rows = new java.util.LinkedHashMap<>();
        for (PriceRow row : new PriceMatcher(PriceRules.series("diff", table.rows())).current(day)) {
            rows.putIfAbsent(row.id(), row);
        }
        return rows;
    }

    private static String describe(PriceTable table, PriceRow row) {
        StringBuilder text = new StringBuilder(PriceFileWriter.rates(row.rates(), "/"));
        row.tiers().forEach(t -> text.append(" >").append(t.aboveTokens()).append('=')
                .append(PriceFileWriter.rates(t.rates(), "/")));
        PricingMath.modifiers(table.book(), row).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> text.append(' ').append(e.getKey()).append('=')
                        .append(e.getValue().stripTrailingZeros().toPlainString()));
        return text.toString();
    }
}
