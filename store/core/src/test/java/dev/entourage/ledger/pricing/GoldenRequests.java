package dev.entourage.ledger.pricing;

import dev.entourage.ledger.TokenCounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The golden priced requests of {@code golden.csv}, each worked by hand: {@link PriceGoldenTest} prices them with
 * the engine, and the doors' tests (published in this module's test jar) send them through REST, MCP and OTLP.
 */
public final class GoldenRequests {
    private GoldenRequests() {
    }

    /**
     * One golden request.
     *
     * @param at             the event time, empty for the table's {@code checked_at} day
     * @param shape          whose token semantics {@code counts} follow: anthropic, openai, gemini or deepseek
     * @param expectedMicros what it costs, exact
     * @param row            the row whose rates applied ({@code unknown} for the table default)
     * @param flags          {@code estimated}, {@code unpriced}, or empty
     */
    public record Golden(String name, String model, String at, String serviceTier, String speed, String geo,
                         String shape, long[] counts, long expectedMicros, String row, String flags) {
        /** The tokens, counted the Anthropic way (input excludes cached tokens). */
        public TokenCounts tokens() {
            long[] c = counts;
            switch (shape) {
                case "anthropic":
                    return ProviderUsage.anthropic(c[0], c[1], c[2], c[3], c[4]);
                case "openai":
                    return ProviderUsage.openai(c[0], c[1], c[2], c[3]);
                case "gemini":
                    return ProviderUsage.gemini(c[0], c[1], c[2], c[3]);
                case "deepseek":
                    return ProviderUsage.deepseek(c[0], c[1], c[2]);
                default:
                    throw new IllegalArgumentException(shape);
            }
        }

        public PriceRequest request() {
            return new PriceRequest(model.isEmpty() ? null : model, tokens(), time(), serviceTier, speed, geo);
        }

        /** The event time, or null for the table's {@code checked_at} day. */
        public Instant time() {
            return at.isEmpty() ? null : Instant.parse(at);
        }

        /** No event time and no modifier. */
        public boolean plain() {
            return at.isEmpty() && serviceTier.isEmpty() && speed.isEmpty() && geo.isEmpty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every golden request, in file order. */
    public static List<Golden> all() {
        try (InputStream in = GoldenRequests.class.getResourceAsStream("golden.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("case,")).toList();
            return lines.stream().map(l -> {
                String[] c = l.split(",", 12);
                long[] counts = Arrays.stream(c[7].split(" ")).mapToLong(Long::parseLong).toArray();
                return new Golden(c[0], c[1], c[2], c[3], c[4], c[5], c[6], counts, Long.parseLong(c[8]), c[9], c[10]);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
