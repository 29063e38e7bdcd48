package dev.entourage.ledger.pricing;

import java.util.List;
import java.util.Objects;

/**
 * How a price was found, for {@code entourage prices MODEL} and for people auditing a cost.
 *
 * @param id           the id as sent and as normalised
 * @param rule         the rule that chose the row
 * @param row          the row version applied; null for the default price of an unknown model
 * @param provider     the provider whose semantics applied; null when not known
 * @param tier         the long-context tier applied; null for the base rates
 * @param multipliers  the multipliers applied, e.g. {@code batch ×0.5}
 * @param notes        anything else a reader should know (a modifier without a price, a version out of range)
 * @param tableVersion the price table's version
 */
public record PriceExplanation(ModelIds.Normalised id, Rule rule, PriceRow row, String provider,
                               LongContextTier tier, List<String> multipliers, List<String> notes,
                               String tableVersion) {
    /** Why a row was chosen. */
    public enum Rule {
        /** The normalised id is one of a row's ids. */
        EXACT("exact id"),
        /** A family row's id followed by snapshot segments only. */
        FAMILY("family (id + snapshot suffix)"),
        /** The longest prefix row (old CSV format). */
        PREFIX("longest prefix"),
        /** Unpriced: the most expensive current row of the same model family, for this request. */
        FAMILY_ESTIMATE("unpriced: most expensive current row of the family"),
        /** Unpriced: the provider's conservative default. */
        PROVIDER_DEFAULT("unpriced: provider default"),
        /** Unpriced: the table's conservative default. */
        DEFAULT("unpriced: table default");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public PriceExplanation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        multipliers = List.copyOf(multipliers);
        notes = List.copyOf(notes);
        Objects.requireNonNull(tableVersion, "tableVersion");
    }
}
