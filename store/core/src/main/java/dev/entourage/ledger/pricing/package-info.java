/**
 * What model calls cost.
 *
 * <p>{@link dev.entourage.ledger.pricing.PriceTable} holds every version of every
 * {@link dev.entourage.ledger.pricing.PriceRow}, read from the bundled versioned {@code prices.csv}
 * ({@code @format entourage-prices/2}: version, checked-at day, a source per row, effective dates, request-level
 * long-context tiers, multipliers by service tier, speed and inference geography) or from a user's file layered on
 * top of it (either format; the old seven-column CSV is still read). A
 * {@link dev.entourage.ledger.pricing.PriceRequest} is priced by normalising its model id
 * ({@link dev.entourage.ledger.pricing.ModelIds}), matching a row by exact id, then by version-aware family, then
 * by an old-format prefix, taking the version in force on the request's day, the tier its prompt falls in and the
 * multipliers it asks for. {@link dev.entourage.ledger.pricing.ProviderUsage} states each provider's token
 * semantics and turns their counts into {@link dev.entourage.ledger.TokenCounts}.
 *
 * <p>A model that matches nothing is never priced at $0 nor at a table-wide maximum: it is unpriced, estimated at
 * the most expensive current row of its family, else at the table's {@code @unknown} default, and the resulting
 * {@link dev.entourage.ledger.pricing.PricedCost} says so and explains itself
 * ({@link dev.entourage.ledger.pricing.PriceExplanation}).
 *
 * <p>Money is integer micro-dollars throughout, as in {@link dev.entourage.ledger.Money}: rates are
 * micro-dollars per million tokens (multiplied rates rounded half-up to whole ones) and costs are rounded half-up
 * to whole micro-dollars, with exact {@code long} and {@code BigDecimal} arithmetic and no floating point.
 */
package dev.entourage.ledger.pricing;
