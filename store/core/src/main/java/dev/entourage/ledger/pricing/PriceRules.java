package dev.entourage.ledger.pricing;

import dev.entourage.ledger.LedgerException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks on a whole table: versions of a row never overlap, and no multiplied rate leaves the accepted range. */
final class PriceRules {
    private PriceRules() {
    }

    /** The rows grouped into series (same id and match), each sorted by start day; overlaps are refused. */
    static List<List<PriceRow>> series(String source, List<PriceRow> rows) {
        Map<String, List<PriceRow>> byKey = new LinkedHashMap<>();
        for (PriceRow row : rows) {
            byKey.computeIfAbsent(row.id() + "," + row.match().wireName(), k -> new ArrayList<>()).add(row);
        }
        List<List<PriceRow>> series = new ArrayList<>();
        for (List<PriceRow> versions : byKey.values()) {
            List<PriceRow> sorted = new ArrayList<>(versions);
            sorted.sort(Comparator.comparing((PriceRow r) -> r.from() == null ? java.time.LocalDate.MIN : r.from()));
            for (int i = 1; i < sorted.size(); i++) {
                PriceRow before = sorted.get(i - 1);
                PriceRow after = sorted.get(i);
                if (before.until() == null || after.from() == null || after.from().isBefore(before.until())) {
                    throw LedgerException.invalid("prices", source + ": versions of '" + after.id() + "' ("
                            + after.match().wireName() + ") overlap: give each a from and until that do not");
                }
            }
            series.add(List.copyOf(sorted));
        }
        return List.copyOf(series);
    }

    static void check(String source, List<PriceRow> rows) {
        series(source, rows);
    }

    /** Refuses a row whose highest rate, times the highest multiplier of each kind it allows, exceeds the maximum. */
    static void checkMultiplied(String source, PriceRow row, Map<String, BigDecimal> multipliers) {
        BigDecimal product = max(multipliers, "tier").multiply(max(multipliers, "speed")).multiply(max(multipliers, "geo"));
        List<ModelPrice> rates = new ArrayList<>();
        rates.add(row.rates());
        row.tiers().forEach(t -> rates.add(t.rates()));
        for (ModelPrice p : rates) {
            long highest = Math.max(Math.max(p.inputPerMtok(), p.outputPerMtok()),
                    Math.max(Math.max(p.cacheWrite5mPerMtok(), p.cacheWrite1hPerMtok()), p.cacheReadPerMtok()));
            if (BigDecimal.valueOf(highest).multiply(product).compareTo(BigDecimal.valueOf(ModelPrice.MAX_RATE)) > 0) {
                throw LedgerException.invalid("prices", source + ": '" + row.id()
                        + "' with its multipliers would exceed " + ModelPrice.MAX_RATE / 1_000_000 + " USD per million tokens");
            }
        }
    }

    /** The dimension a modifier key belongs to: {@code geo} for {@code geo.*}, {@code speed} for fast, else tier. */
    static String dimension(String key) {
        if (key.startsWith("geo.")) {
            return "geo";
        }
        return key.equals("fast") ? "speed" : "tier";
    }

    /** {@code rate × multiplier}, rounded half-up to whole micro-dollars per million tokens. */
    static long scale(long rate, BigDecimal multiplier) {
        return BigDecimal.valueOf(rate).multiply(multiplier).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal max(Map<String, BigDecimal> multipliers, String dimension) {
        return multipliers.entrySet().stream().filter(e -> dimension(e.getKey()).equals(dimension))
                .map(Map.Entry::getValue).filter(m -> m.compareTo(BigDecimal.ONE) > 0)
                .max(Comparator.naturalOrder()).orElse(BigDecimal.ONE);
    }
}
