package dev.entourage.ledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.TokenCounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Prices every request of {@code golden.csv} with the bundled table: each is exact to the micro-dollar. */
class PriceGoldenTest {
    private static final PriceTable BUNDLED = PriceTable.bundled();

    record Golden(String name, String model, String at, String serviceTier, String speed, String geo, String shape,
                  long[] counts, long expectedMicros, String row, String flags) {
        TokenCounts tokens() {
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

        PriceRequest request() {
            return new PriceRequest(model.isEmpty() ? null : model, tokens(), at.isEmpty() ? null : Instant.parse(at),
                    serviceTier, speed, geo);
        }

        boolean plain() {
            return at.isEmpty() && serviceTier.isEmpty() && speed.isEmpty() && geo.isEmpty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Golden> golden() throws IOException {
        try (InputStream in = PriceGoldenTest.class.getResourceAsStream("golden.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("case,")).toList();
            return lines.stream().map(l -> {
                String[] c = l.split(",", 12);
                long[] counts = Arrays.stream(c[7].split(" ")).mapToLong(Long::parseLong).toArray();
                return new Golden(c[0], c[1], c[2], c[3], c[4], c[5], c[6], counts, Long.parseLong(c[8]), c[9], c[10]);
            }).toList();
        }
    }

    static Stream<Golden> cases() throws IOException {
        return golden().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyGoldenRequestIsExactToTheMicroDollar(Golden g) {
        PricedCost cost = BUNDLED.price(g.request());
        assertThat(cost.costMicros()).as(g.name()).isEqualTo(g.expectedMicros());
        assertThat(cost.price().id()).as(g.name()).isEqualTo(g.row());
        assertThat(cost.price().cost(g.tokens())).as("the stored price reproduces the cost").isEqualTo(cost.costMicros());
        assertThat(cost.unpriced()).as(g.name() + " unpriced").isEqualTo(g.flags().contains("unpriced"));
        assertThat(cost.estimated()).as(g.name() + " estimated").isEqualTo(!g.flags().isEmpty());
        if (g.plain()) {
            assertThat(BUNDLED.price(g.model().isEmpty() ? null : g.model(), g.tokens()).costMicros())
                    .as("price(model, tokens) agrees").isEqualTo(g.expectedMicros());
        }
    }

    @Test
    void theTableCoversWhatTheIssueAsksFor() throws IOException {
        List<Golden> all = golden();
        assertThat(all).hasSizeGreaterThanOrEqualTo(60);
        assertThat(all).extracting(Golden::shape).contains("anthropic", "openai", "gemini", "deepseek");
        assertThat(all).filteredOn(g -> g.serviceTier().equals("batch")).isNotEmpty();
        assertThat(all).filteredOn(g -> g.serviceTier().equals("priority")).isNotEmpty();
        assertThat(all).filteredOn(g -> g.speed().equals("fast")).isNotEmpty();
        assertThat(all).filteredOn(g -> !g.geo().isEmpty()).isNotEmpty();
        assertThat(all).filteredOn(g -> !g.at().isEmpty()).hasSizeGreaterThan(10);
        assertThat(all).filteredOn(g -> g.flags().contains("unpriced")).hasSizeGreaterThan(3);
        assertThat(all).filteredOn(g -> g.model().contains("/") || g.model().contains(".anthropic.")
                || g.model().contains("@") || g.model().contains("[")).hasSizeGreaterThan(5);
    }
}
