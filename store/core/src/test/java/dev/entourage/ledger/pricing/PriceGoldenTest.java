package dev.entourage.ledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.pricing.GoldenRequests.Golden;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Prices every request of {@code golden.csv} ({@link GoldenRequests}) with the bundled table: each is exact to the micro-dollar. */
class PriceGoldenTest {
    private static final PriceTable BUNDLED = PriceTable.bundled();

    static List<Golden> golden() {
        return GoldenRequests.all();
    }

    static Stream<Golden> cases() {
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
    void theTableCoversWhatTheIssueAsksFor() {
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
