/**
 * What model calls cost.
 *
 * <p>{@link dev.entourage.ledger.pricing.PriceTable} holds one {@link dev.entourage.ledger.pricing.ModelPrice}
 * per model or model family, read from a CSV of USD per million tokens: the bundled
 * {@code prices.csv}, or a user's file that replaces it. A model name matches an {@code exact} entry
 * with the same name first, else the {@code prefix} entry with the longest id that starts the name; case
 * is ignored.
 *
 * <p>A model that matches nothing is never priced at $0: it gets the highest rate of each kind in the
 * table, and the resulting {@link dev.entourage.ledger.pricing.PricedCost} is marked estimated.
 *
 * <p>Money is integer micro-dollars throughout, as in {@link dev.entourage.ledger.Money}: rates are
 * micro-dollars per million tokens and costs are rounded half-up to whole micro-dollars, with exact
 * {@code long} arithmetic and no floating point.
 */
package dev.entourage.ledger.pricing;
