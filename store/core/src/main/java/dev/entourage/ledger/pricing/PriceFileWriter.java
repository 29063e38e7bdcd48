package dev.entourage.ledger.pricing;

import dev.entourage.ledger.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes a {@link PriceBook} in the versioned format {@link PriceTable} reads back to the same book. */
public final class PriceFileWriter {
    private PriceFileWriter() {
    }

    /** The lines of {@code book}, after {@code comments} (each written as a {@code #} line). */
    public static List<String> write(PriceBook book, List<String> comments) {
        List<String> lines = new ArrayList<>();
        comments.forEach(c -> lines.add("# " + c));
        lines.add("@format " + PriceFile.FORMAT);
        lines.add("@version " + book.version());
        if (book.checkedAt() != null) {
            lines.add("@checked_at " + book.checkedAt());
        }
        book.providerPrefixes().forEach((p, prefixes) -> lines.add("@provider " + p + " " + String.join(" ", prefixes)));
        book.providerModifiers().forEach((p, m) -> lines.add("@modifiers " + p + " " + modifiers(m)));
        book.unknown().forEach((p, r) -> lines.add("@unknown " + p + " " + rates(r, ",")));
        lines.add(PriceFile.HEADER);
        for (PriceRow row : book.rows()) {
            String tiers = row.tiers().stream().map(t -> ">" + t.aboveTokens() + "=" + rates(t.rates(), "/"))
                    .collect(Collectors.joining(" "));
            List<String> mods = new ArrayList<>();
            if (!row.modifiers().isEmpty()) {
                mods.add(modifiers(row.modifiers()));
            }
            row.without().stream().sorted().forEach(k -> mods.add(k + "=none"));
            if (row.legacy()) {
                mods.add("legacy");
            }
            lines.add(String.join("|", row.ids()) + "," + row.match().wireName() + "," + row.provider() + ","
                    + (row.from() == null ? "" : row.from()) + "," + (row.until() == null ? "" : row.until()) + ","
                    + rates(row.rates(), ",") + "," + tiers + "," + String.join(" ", mods) + ","
                    + row.source().replace('\n', ' '));
        }
        return lines;
    }

    static String rates(ModelPrice p, String separator) {
        return String.join(separator, dollars(p.inputPerMtok()), dollars(p.outputPerMtok()),
                dollars(p.cacheWrite5mPerMtok()), dollars(p.cacheWrite1hPerMtok()), dollars(p.cacheReadPerMtok()));
    }

    private static String modifiers(Map<String, BigDecimal> modifiers) {
        return modifiers.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue().stripTrailingZeros().toPlainString())
                .collect(Collectors.joining(" "));
    }

    private static String dollars(long micros) {
        return Money.toDollars(micros).toPlainString();
    }
}
