package dev.entourage.ledger.pricing;

import dev.entourage.ledger.TokenCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One model call to price.
 *
 * @param model        the model id as the agent sent it; null when unknown
 * @param tokens       its tokens, Anthropic-shaped (see {@link ProviderUsage} for other providers' counts)
 * @param at           when the call happened, choosing the price version in force; null for the table's
 *                     {@code checked_at} day
 * @param serviceTier  {@code batch}, {@code flex}, {@code priority}; null, blank, {@code standard},
 *                     {@code default} or {@code auto} for standard
 * @param speed        {@code fast}; null, blank, {@code standard} or {@code normal} (Claude Code's word) for standard
 * @param inferenceGeo where inference ran when the provider charges for it, e.g. {@code us}; null, blank,
 *                     {@code global} or {@code not_available} (Anthropic's answer when none applied) for no choice
 */
public record PriceRequest(String model, TokenCounts tokens, Instant at, String serviceTier, String speed,
                           String inferenceGeo) {
    private static final List<String> STANDARD_TIERS = List.of("standard", "default", "auto");

    public PriceRequest {
        Objects.requireNonNull(tokens, "tokens");
    }

    /** A standard call of {@code model} priced as of the table's {@code checked_at} day. */
    public static PriceRequest of(String model, TokenCounts tokens) {
        return new PriceRequest(model, tokens, null, null, null, null);
    }

    public PriceRequest at(Instant time) {
        return new PriceRequest(model, tokens, time, serviceTier, speed, inferenceGeo);
    }

    public PriceRequest serviceTier(String tier) {
        return new PriceRequest(model, tokens, at, tier, speed, inferenceGeo);
    }

    public PriceRequest speed(String value) {
        return new PriceRequest(model, tokens, at, serviceTier, value, inferenceGeo);
    }

    public PriceRequest inferenceGeo(String geo) {
        return new PriceRequest(model, tokens, at, serviceTier, speed, geo);
    }

    /** The prompt size tiers are chosen by: input + cache writes + cache reads. */
    public long promptTokens() {
        return tokens.input() + tokens.cacheCreation() + tokens.cacheRead();
    }

    /** The modifier keys this call asks for, e.g. {@code [batch, geo.us]}. */
    public List<String> modifierKeys() {
        List<String> keys = new ArrayList<>();
        String tier = key(serviceTier);
        if (tier != null && !STANDARD_TIERS.contains(tier)) {
            keys.add(tier);
        }
        String fast = key(speed);
        if (fast != null && !fast.equals("standard") && !fast.equals("normal")) {
            keys.add(fast);
        }
        String geo = key(inferenceGeo);
        if (geo != null && !geo.equals("global") && !geo.equals("not_available")) {
            keys.add("geo." + geo);
        }
        return keys;
    }

    private static String key(String value) {
        return value == null || value.isBlank() ? null : value.strip().toLowerCase(Locale.ROOT);
    }
}
