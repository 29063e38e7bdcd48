package dev.entourage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads pydantic genai-prices' {@code prices/providers/*.yml} for Anthropic, OpenAI, Google and DeepSeek: each
 * model's {@code id} and {@code match} ids ({@code equals}, {@code starts_with}), its {@code prices} (a map, or a
 * list of versions whose {@code constraint.start_date} starts them; versions with a time-of-day constraint are
 * skipped) with {@code input_mtok}, {@code output_mtok}, {@code cache_write_mtok}, {@code cache_write_1h_mtok},
 * {@code cache_read_mtok}, each either a number or {@code {base, tiers: [{start, price}]}} (a request-level tier).
 */
final class GenaiPrices {
    private static final Map<String, String> PROVIDERS = Map.of("anthropic", "anthropic", "openai", "openai",
            "google", "google", "deepseek", "deepseek");

    private GenaiPrices() {
    }

    static void read(JsonNode file, ImportedPrices imported) {
        String provider = PROVIDERS.get(file.path("id").asText(""));
        if (provider == null) {
            return;
        }
        for (JsonNode model : file.path("models")) {
            List<String> ids = new ArrayList<>();
            collectIds(model.path("match"), ids);
            ids.add(model.path("id").asText(""));
            JsonNode prices = model.path("prices");
            List<JsonNode> versions = new ArrayList<>();
            List<LocalDate> starts = new ArrayList<>();
            if (prices.isArray()) {
                for (JsonNode v : prices) {
                    JsonNode constraint = v.path("constraint");
                    if (constraint.has("start_time") || constraint.has("end_time")) {
                        continue;
                    }
                    versions.add(v.path("prices"));
                    starts.add(constraint.has("start_date") ? LocalDate.parse(constraint.get("start_date").asText()) : null);
                }
            } else {
                versions.add(prices);
                starts.add(null);
            }
            List<ImportedPrices.Version> made = new ArrayList<>();
            for (int i = 0; i < versions.size(); i++) {
                ImportedPrices.Version v = version(provider, versions.get(i), starts.get(i),
                        i + 1 < starts.size() ? starts.get(i + 1) : null);
                if (v == null) {
                    made.clear();
                    break;
                }
                made.add(v);
            }
            if (made.isEmpty()) {
                imported.skip();
                continue;
            }
            String checked = model.path("prices_checked").asText("");
            imported.add(provider, ids, made, false, "GP " + provider + ".yml " + ids.get(0)
                    + (checked.isEmpty() ? "" : " (checked " + checked + ")"));
        }
    }

    private static ImportedPrices.Version version(String provider, JsonNode p, LocalDate from, LocalDate until) {
        BigDecimal in = base(p.get("input_mtok"));
        BigDecimal out = base(p.get("output_mtok"));
        if (in == null || out == null) {
            return null;
        }
        Map<Long, ImportedPrices.Rates> tiers = new LinkedHashMap<>();
        for (JsonNode tier : p.path("input_mtok").path("tiers")) {
            long start = tier.path("start").asLong();
            BigDecimal tierIn = tier.path("price").decimalValue();
            tiers.put(start, rates(provider, p, start, tierIn, atTier(p.get("output_mtok"), start, out)));
        }
        return new ImportedPrices.Version(from, until, rates(provider, p, 0, in, out), tiers, Map.of());
    }

    private static ImportedPrices.Rates rates(String provider, JsonNode p, long start, BigDecimal in, BigDecimal out) {
        return ImportedPrices.Rates.of(provider, in, out, atTier(p.get("cache_write_mtok"), start, null),
                atTier(p.get("cache_write_1h_mtok"), start, null), atTier(p.get("cache_read_mtok"), start, null));
    }

    private static BigDecimal base(JsonNode n) {
        if (n == null) {
            return null;
        }
        return n.isNumber() ? n.decimalValue() : n.path("base").isNumber() ? n.get("base").decimalValue() : null;
    }

    private static BigDecimal atTier(JsonNode n, long start, BigDecimal fallback) {
        BigDecimal value = base(n);
        if (value == null) {
            return fallback;
        }
        if (n.isObject()) {
            for (JsonNode tier : n.path("tiers")) {
                if (start > 0 && tier.path("start").asLong() <= start) {
                    value = tier.path("price").decimalValue();
                }
            }
        }
        return value;
    }

    private static void collectIds(JsonNode match, List<String> ids) {
        if (!match.isContainerNode()) {
            return;
        }
        if (match.isArray()) {
            match.forEach(m -> collectIds(m, ids));
            return;
        }
        for (String key : List.of("equals", "starts_with")) {
            if (match.path(key).isTextual()) {
                ids.add(match.get(key).asText());
            }
        }
        collectIds(match.path("or"), ids);
    }
}
