package dev.entourage.ledger.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One version of one row of a price table: the rates of a model (or family) from {@code from} until
 * {@code until}, with its long-context tiers, its multipliers and where the numbers come from.
 *
 * @param ids        the row's id first, then aliases; lower case, matched after {@link ModelIds#normalise}
 * @param match      how {@code ids} match model ids
 * @param provider   the provider whose token semantics and multipliers apply, e.g. {@code anthropic}
 * @param from       the first day (UTC) this version is in force; null for always
 * @param until      the first day (UTC) it is no longer in force; null for open-ended
 * @param rates      the rates of a request at or under every tier's threshold; its id is {@code ids.get(0)}
 * @param tiers      request-level tiers, lowest threshold first: a prompt above one reprices the whole request
 * @param modifiers  multipliers by modifier key ({@code batch}, {@code flex}, {@code priority}, {@code fast},
 *                   {@code geo.us}, …), on top of the provider's
 * @param without    modifier keys of the provider this row does not have
 * @param legacy     whether the model is no longer current (never used to estimate an unknown model)
 * @param source     where the numbers come from, for people
 */
public record PriceRow(List<String> ids, Match match, String provider, LocalDate from, LocalDate until,
                       ModelPrice rates, List<LongContextTier> tiers, Map<String, BigDecimal> modifiers,
                       Set<String> without, boolean legacy, String source) {
    /** How a row's ids match model ids. */
    public enum Match {
        /** The normalised id equals one of the row's ids. */
        EXACT,
        /** Equal, or followed by snapshot segments only (see {@link ModelIds#familyMatches}). */
        FAMILY,
        /** Every id starting with one of the row's ids (the old CSV format's {@code prefix}). */
        PREFIX;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PriceRow {
        ids = List.copyOf(ids);
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(rates, "rates");
        tiers = List.copyOf(tiers);
        modifiers = Map.copyOf(modifiers);
        without = Set.copyOf(without);
        Objects.requireNonNull(source, "source");
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a row needs an id");
        }
    }

    /** The row's id. */
    public String id() {
        return ids.get(0);
    }

    /** Whether this version is in force on {@code day}. */
    public boolean inForce(LocalDate day) {
        return (from == null || !day.isBefore(from)) && (until == null || day.isBefore(until));
    }

    /** The tier a prompt of {@code promptTokens} falls in, or null for the base rates. */
    public LongContextTier tierFor(long promptTokens) {
        LongContextTier chosen = null;
        for (LongContextTier tier : tiers) {
            if (promptTokens > tier.aboveTokens()) {
                chosen = tier;
            }
        }
        return chosen;
    }

    /** A copy with another provider (legacy CSV rows get theirs from the table they are layered on). */
    PriceRow withProvider(String other) {
        return new PriceRow(ids, match, other, from, until, rates, tiers, modifiers, without, legacy, source);
    }
}
