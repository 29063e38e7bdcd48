package dev.entourage.ledger;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The price modifiers a usage report may carry, checked on the way in: an unknown value is refused naming its
 * field, so nothing is priced on a word the price engine would not understand.
 *
 * @param serviceTier  {@code standard}, {@code default}, {@code auto}, {@code batch}, {@code flex} or
 *                     {@code priority}; null for standard
 * @param speed        {@code standard}, {@code normal} (Claude Code's word for standard) or {@code fast}; null for
 *                     standard
 * @param inferenceGeo {@code global}, {@code not_available} (Anthropic's answer when no choice applied) or a
 *                     geography the price table has a multiplier for ({@code us}, {@code eu}…); null for none
 */
public record PriceModifiers(String serviceTier, String speed, String inferenceGeo) {
    public static final PriceModifiers STANDARD = new PriceModifiers(null, null, null);
    /** The service tiers the engine knows. */
    public static final List<String> SERVICE_TIERS = List.of("standard", "default", "auto", "batch", "flex",
            "priority");
    /** The speeds the engine knows. */
    public static final List<String> SPEEDS = List.of("standard", "normal", "fast");
    /** The geographies that ask for no regional price. */
    public static final List<String> NO_GEO = List.of("global", "not_available");

    public PriceModifiers {
        serviceTier = oneOf("service_tier", serviceTier, SERVICE_TIERS);
        speed = oneOf("speed", speed, SPEEDS);
        inferenceGeo = word("inference_geo", inferenceGeo);
    }

    /** Refuses an {@code inference_geo} that is neither a no-choice word nor one of {@code priced}. */
    public PriceModifiers checkGeo(Set<String> priced) {
        if (inferenceGeo != null && !NO_GEO.contains(inferenceGeo) && !priced.contains(inferenceGeo)) {
            throw LedgerException.invalid("inference_geo", "must be one of " + String.join(", ", NO_GEO)
                    + (priced.isEmpty() ? "" : ", " + String.join(", ", priced.stream().sorted().toList()))
                    + "; got '" + inferenceGeo + "'");
        }
        return this;
    }

    private static String oneOf(String field, String value, List<String> allowed) {
        String word = word(field, value);
        if (word != null && !allowed.contains(word)) {
            throw LedgerException.invalid(field, "must be one of " + String.join(", ", allowed) + "; got '" + word
                    + "'");
        }
        return word;
    }

    private static String word(String field, String value) {
        String text = Text.optional(field, value, 40);
        if (text == null) {
            return null;
        }
        String word = text.toLowerCase(Locale.ROOT);
        if (!word.matches("[a-z0-9_-]+")) {
            throw LedgerException.invalid(field, "may contain only letters, digits, '_' and '-'");
        }
        return word;
    }
}
