package dev.entourage.cli;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.pricing.LongContextTier;
import dev.entourage.ledger.pricing.ModelIds;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PriceRatios;
import dev.entourage.ledger.pricing.PriceRow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows read from another project's price file, with what was rejected and skipped: the shared end of
 * {@link LiteLlmPrices} and {@link GenaiPrices}. Prices arrive as exact decimals (USD per token or per million
 * tokens) and become micro-dollars per million tokens; a row that breaks its provider's ratios
 * ({@link PriceRatios}) or needs more precision than a micro-dollar per million tokens is rejected with a message.
 */
final class ImportedPrices {
    /** USD per million tokens, exact. */
    record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                 BigDecimal cacheRead) {
        /**
         * Rates with the gaps a source leaves filled the provider's way: a missing write is 1.25× input for
         * Anthropic (else the input price), a missing 1-hour write 2× input for Anthropic (else the write), a
         * missing read the input price (no discount).
         */
        static Rates of(String provider, BigDecimal in, BigDecimal out, BigDecimal write, BigDecimal write1h,
                        BigDecimal read) {
            boolean anthropic = provider.equals("anthropic");
            BigDecimal w = write != null ? write : anthropic ? in.multiply(new BigDecimal("1.25")) : in;
            BigDecimal w1h = write1h != null ? write1h : anthropic ? in.multiply(BigDecimal.valueOf(2)) : w;
            return new Rates(in, out, w, w1h, read != null ? read : in);
        }
    }

    private final Map<String, List<String>> providerPrefixes;
    private final Map<String, List<PriceRow>> rows = new LinkedHashMap<>();
    private final List<String> rejected = new ArrayList<>();
    private int skipped;

    /** @param providerPrefixes the bundled table's: a model another provider resells (Claude on Vertex) is skipped */
    ImportedPrices(Map<String, List<String>> providerPrefixes) {
        this.providerPrefixes = providerPrefixes;
    }

    /** Adds the versions of one model, unless its id (normalised) is already there or a version is an outlier. */
    void add(String provider, List<String> rawIds, List<Version> versions, boolean legacy, String source) {
        List<String> ids = new ArrayList<>();
        for (String raw : rawIds) {
            String id = ModelIds.normalise(raw).normalised();
            if (!id.isEmpty() && !ids.contains(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty() || rows.containsKey(ids.get(0)) || resold(provider, ids.get(0))) {
            skipped++;
            return;
        }
        List<PriceRow> made = new ArrayList<>();
        for (Version v : versions) {
            String odd = oddModifier(v.modifiers());
            if (odd != null) {
                rejected.add(source + ": " + odd + ": rejected");
                return;
            }
        }
        try {
            for (Version v : versions) {
                ModelPrice base = micros(ids.get(0), v.base());
                List<LongContextTier> tiers = new ArrayList<>();
                v.tiers().forEach((above, rates) -> tiers.add(new LongContextTier(above, micros(ids.get(0), rates))));
                PriceRow row = new PriceRow(ids, PriceRow.Match.FAMILY, provider, v.from(), v.until(), base, tiers,
                        v.modifiers(), Set.of(), legacy, source);
                String broken = PriceRatios.broken(row).orElse(null);
                if (broken != null) {
                    rejected.add(source + ": " + broken + " (" + provider + "): rejected");
                    return;
                }
                made.add(row);
            }
        } catch (LedgerException | ArithmeticException e) {
            rejected.add(source + ": " + (e instanceof LedgerException ? e.getMessage()
                    : "a price needs more than six decimals per million tokens") + ": rejected");
            return;
        }
        if (!made.isEmpty()) {
            rows.put(ids.get(0), made);
        }
    }

    /** One dated version of a model's prices; tiers by threshold (above that many prompt tokens). */
    record Version(LocalDate from, LocalDate until, Rates base, Map<Long, Rates> tiers, Map<String, BigDecimal> modifiers) {
    }

    private boolean resold(String provider, String id) {
        return providerPrefixes.entrySet().stream().anyMatch(e -> !e.getKey().equals(provider)
                && e.getValue().stream().anyMatch(id::startsWith));
    }

    /** A multiplier no provider charges: batch or flex above 1, priority, fast or a region outside 1–10. */
    private static String oddModifier(Map<String, BigDecimal> modifiers) {
        for (Map.Entry<String, BigDecimal> e : modifiers.entrySet()) {
            BigDecimal m = e.getValue();
            boolean discount = e.getKey().equals("batch") || e.getKey().equals("flex");
            boolean ok = discount ? m.compareTo(BigDecimal.ONE) <= 0
                    : m.compareTo(BigDecimal.ONE) >= 0 && m.compareTo(BigDecimal.TEN) <= 0;
            if (!ok) {
                return e.getKey() + " multiplier " + m.toPlainString() + " is outside the provider's range";
            }
        }
        return null;
    }

    void skip() {
        skipped++;
    }

    List<PriceRow> rows() {
        return rows.values().stream().flatMap(List::stream).toList();
    }

    List<String> rejected() {
        return rejected;
    }

    int skipped() {
        return skipped;
    }

    /** USD per token as USD per million tokens, exactly. */
    static BigDecimal perMillion(BigDecimal perToken) {
        return perToken == null ? null : perToken.movePointRight(6);
    }

    /** {@code a / b} when it is exact to six decimals, else null (a multiplier that cannot be said exactly). */
    static BigDecimal ratio(BigDecimal a, BigDecimal b) {
        if (a == null || b == null || b.signum() == 0) {
            return null;
        }
        BigDecimal r = a.divide(b, 6, RoundingMode.HALF_UP);
        return r.multiply(b).compareTo(a) == 0 ? r.stripTrailingZeros() : null;
    }

    private static ModelPrice micros(String id, Rates r) {
        return new ModelPrice(id, true, micros(r.input()), micros(r.output()), micros(r.cacheWrite5m()),
                micros(r.cacheWrite1h()), micros(r.cacheRead()));
    }

    private static long micros(BigDecimal usdPerMtok) {
        return usdPerMtok.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }
}
