package dev.entourage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads LiteLLM's {@code model_prices_and_context_window.json}: chat and responses models of Anthropic, OpenAI,
 * Gemini and DeepSeek. Field by field: {@code input_cost_per_token}, {@code output_cost_per_token},
 * {@code cache_creation_input_token_cost} (5-minute write; OpenAI's write), {@code …_above_1hr} (1-hour write, else
 * 2× input for Anthropic), {@code cache_read_input_token_cost} or {@code input_cost_per_token_cache_hit} (else
 * input), {@code *_above_NNNk_tokens} (a request-level tier), {@code *_batches} / {@code *_flex} /
 * {@code *_priority} (service-tier multipliers), {@code provider_specific_entry} ({@code us}, {@code fast}) and
 * {@code deprecation_date} (legacy once past). Entries without a price stay unpriced and are skipped.
 */
final class LiteLlmPrices {
    private static final Map<String, String> PROVIDERS = Map.of("anthropic", "anthropic", "openai", "openai",
            "gemini", "google", "deepseek", "deepseek");
    private static final Pattern ABOVE = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens");

    private LiteLlmPrices() {
    }

    static void read(JsonNode root, LocalDate day, ImportedPrices imported) {
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        keys.sort((a, b) -> Boolean.compare(a.contains("/"), b.contains("/")));
        for (String key : keys) {
            JsonNode e = root.get(key);
            String provider = PROVIDERS.get(e.path("litellm_provider").asText(""));
            String mode = e.path("mode").asText("chat");
            if (!e.isObject() || provider == null || !(mode.equals("chat") || mode.equals("responses"))) {
                imported.skip();
                continue;
            }
            BigDecimal in = dec(e, "input_cost_per_token");
            BigDecimal out = dec(e, "output_cost_per_token");
            if (in == null || out == null) {
                imported.skip();
                continue;
            }
            ImportedPrices.Rates base = rates(provider, e, "", in, out);
            Map<Long, ImportedPrices.Rates> tiers = new LinkedHashMap<>();
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                Matcher m = ABOVE.matcher(it.next());
                if (m.matches()) {
                    String suffix = "_above_" + m.group(1) + "k_tokens";
                    BigDecimal tierIn = dec(e, "input_cost_per_token" + suffix);
                    BigDecimal tierOut = dec(e, "output_cost_per_token" + suffix);
                    tiers.put(Long.parseLong(m.group(1)) * 1000, rates(provider, e, suffix, tierIn,
                            tierOut != null ? tierOut : out));
                }
            }
            Map<String, BigDecimal> modifiers = new LinkedHashMap<>();
            for (String tier : List.of("batches", "flex", "priority")) {
                BigDecimal r = ImportedPrices.ratio(dec(e, "input_cost_per_token_" + tier), in);
                if (r != null) {
                    modifiers.put(tier.equals("batches") ? "batch" : tier, r);
                }
            }
            JsonNode specific = e.path("provider_specific_entry");
            for (String k : List.of("us", "fast")) {
                if (specific.path(k).isNumber()) {
                    modifiers.put(k.equals("us") ? "geo.us" : "fast", specific.get(k).decimalValue().stripTrailingZeros());
                }
            }
            String deprecated = e.path("deprecation_date").asText("");
            boolean legacy = !deprecated.isEmpty() && deprecated.compareTo(day.toString()) <= 0;
            imported.add(provider, List.of(key), List.of(new ImportedPrices.Version(null, null, base, tiers, modifiers)),
                    legacy, "LL " + key);
        }
    }

    private static ImportedPrices.Rates rates(String provider, JsonNode e, String suffix, BigDecimal inPerToken,
                                              BigDecimal outPerToken) {
        BigDecimal in = ImportedPrices.perMillion(inPerToken);
        BigDecimal write = ImportedPrices.perMillion(dec(e, "cache_creation_input_token_cost" + suffix));
        BigDecimal write1h = ImportedPrices.perMillion(dec(e, suffix.isEmpty() ? "cache_creation_input_token_cost_above_1hr"
                : "cache_creation_input_token_cost_above_1hr" + suffix));
        BigDecimal read = ImportedPrices.perMillion(dec(e, "cache_read_input_token_cost" + suffix));
        if (read == null && suffix.isEmpty()) {
            read = ImportedPrices.perMillion(dec(e, "input_cost_per_token_cache_hit"));
        }
        return ImportedPrices.Rates.of(provider, in, ImportedPrices.perMillion(outPerToken), write, write1h, read);
    }

    private static BigDecimal dec(JsonNode e, String field) {
        JsonNode n = e.get(field);
        return n != null && n.isNumber() ? n.decimalValue() : null;
    }
}
