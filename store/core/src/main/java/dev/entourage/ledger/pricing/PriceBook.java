package dev.entourage.ledger.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of a price file: its version, the day its prices were checked, its rows and per-provider facts.
 *
 * @param version           the table's version, e.g. {@code 2026-12-01}
 * @param checkedAt         the day the prices were last checked against their sources; null when not said
 * @param rows              the rows, every version of each, in file order
 * @param providerPrefixes  per provider, the starts of normalised ids that belong to it ({@code claude})
 * @param providerModifiers per provider, the multipliers every row of it has unless it says otherwise
 * @param unknown           the conservative default for an unknown model, per provider and under {@code *}
 */
public record PriceBook(String version, LocalDate checkedAt, List<PriceRow> rows,
                        Map<String, List<String>> providerPrefixes,
                        Map<String, Map<String, BigDecimal>> providerModifiers, Map<String, ModelPrice> unknown) {
    /** The key of the table-wide default in {@link #unknown}. */
    public static final String ANY_PROVIDER = "*";

    public PriceBook {
        Objects.requireNonNull(version, "version");
        rows = List.copyOf(rows);
        providerPrefixes = Map.copyOf(providerPrefixes);
        providerModifiers = Map.copyOf(providerModifiers);
        unknown = Map.copyOf(unknown);
    }

    /**
     * This book with {@code overlay} on top: the overlay's rows replace every version of the rows with the same
     * id, its provider facts and defaults replace those it names, and its version and day win when it has them.
     */
    public PriceBook layer(PriceBook overlay) {
        List<String> replaced = overlay.rows().stream().map(PriceRow::id).toList();
        List<PriceRow> merged = new ArrayList<>();
        rows.stream().filter(r -> !replaced.contains(r.id())).forEach(merged::add);
        merged.addAll(overlay.rows());
        Map<String, List<String>> prefixes = new LinkedHashMap<>(providerPrefixes);
        prefixes.putAll(overlay.providerPrefixes());
        Map<String, Map<String, BigDecimal>> modifiers = new LinkedHashMap<>(providerModifiers);
        modifiers.putAll(overlay.providerModifiers());
        Map<String, ModelPrice> defaults = new LinkedHashMap<>(unknown);
        defaults.putAll(overlay.unknown());
        return new PriceBook(version + "+" + overlay.version(),
                overlay.checkedAt() != null ? overlay.checkedAt() : checkedAt, merged, prefixes, modifiers, defaults);
    }
}
