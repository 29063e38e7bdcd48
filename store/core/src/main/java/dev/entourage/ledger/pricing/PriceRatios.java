package dev.entourage.ledger.pricing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ratios each provider's prices keep, used to reject outliers when importing other tables: Anthropic's
 * 5-minute write is 1.25× input, its 1-hour write 2× and its read 0.1×, 0.05× or 0.025× (each within a
 * quarter, for old rounded rates); everywhere a cache read
 * costs at most the input and output at least the input; OpenAI's cache write is the input price or 1.25× it.
 */
public final class PriceRatios {
    private PriceRatios() {
    }

    /** What breaks {@code row}'s provider's ratios, in its base rates or a tier; empty when nothing does. */
    public static Optional<String> broken(PriceRow row) {
        List<ModelPrice> all = new ArrayList<>();
        all.add(row.rates());
        row.tiers().forEach(t -> all.add(t.rates()));
        for (ModelPrice p : all) {
            Optional<String> what = broken(row.provider(), p);
            if (what.isPresent()) {
                return what;
            }
        }
        return Optional.empty();
    }

    /** Within a quarter of {@code expected}: Anthropic rounds some old rates (Haiku 3: 0.30 for 1.25 x 0.25). */
    private static boolean near(long value, long expected) {
        return value * 4 >= expected * 3 && value * 4 <= expected * 5;
    }

    private static Optional<String> broken(String provider, ModelPrice p) {
        long in = p.inputPerMtok();
        if (p.cacheReadPerMtok() > in) {
            return Optional.of("cache_read is above input");
        }
        if (p.outputPerMtok() < in) {
            return Optional.of("output is below input");
        }
        if (provider.equals("anthropic")) {
            if (!near(p.cacheWrite5mPerMtok() * 4, in * 5)) {
                return Optional.of("cache_write_5m is not 1.25 x input");
            }
            if (!near(p.cacheWrite1hPerMtok(), in * 2)) {
                return Optional.of("cache_write_1h is not 2 x input");
            }
            long r = p.cacheReadPerMtok();
            if (!near(r * 10, in) && !near(r * 20, in) && !near(r * 40, in)) {
                return Optional.of("cache_read is not 0.1, 0.05 or 0.025 x input");
            }
        } else if (provider.equals("openai")) {
            long w = p.cacheWrite5mPerMtok();
            if (w != in && w * 4 != in * 5 || p.cacheWrite1hPerMtok() != w) {
                return Optional.of("cache writes are neither input nor 1.25 x input");
            }
        }
        return Optional.empty();
    }
}
