package dev.entourage.ledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;
import org.junit.jupiter.api.Test;

class ProviderUsageTest {
    @Test
    void anthropicInputExcludesCacheAndTheTtlSplitIsKept() {
        assertThat(ProviderUsage.anthropic(188, 32_200, 15_000, 100_000, 7_440_000))
                .isEqualTo(new TokenCounts(188, 32_200, 115_000, 100_000, 7_440_000));
    }

    @Test
    void openaiPromptIncludesCachedAndCacheWriteTokens() {
        assertThat(ProviderUsage.openai(50_000, 10_000, 30_000, 1_000))
                .isEqualTo(new TokenCounts(10_000, 1_000, 30_000, 0, 10_000));
        assertThatThrownBy(() -> ProviderUsage.openai(100, 80, 30, 1))
                .isInstanceOfSatisfying(LedgerException.class,
                        e -> assertThat(e.details()).containsEntry("field", "prompt_tokens"));
        assertThatThrownBy(() -> ProviderUsage.openai(100, -1, 0, 1)).hasMessageContaining("cached_tokens");
    }

    @Test
    void openaiCacheWritesArePricedAtTheInputRateBeforeGpt56AndAt125xFromIt() {
        TokenCounts tokens = ProviderUsage.openai(100_000, 0, 100_000, 0);
        assertThat(PriceTable.bundled().price("gpt-5.5", tokens).costMicros()).isEqualTo(100_000L * 5);
        assertThat(PriceTable.bundled().price("gpt-5.6", tokens).costMicros()).isEqualTo(100_000L * 25 / 4);
    }

    @Test
    void geminiPromptIncludesCachedAndThoughtsAreOutput() {
        assertThat(ProviderUsage.gemini(10_000, 2_000, 500, 4_500))
                .isEqualTo(new TokenCounts(8_000, 5_000, 0, 0, 2_000));
        assertThatThrownBy(() -> ProviderUsage.gemini(10, 11, 0, 0)).hasMessageContaining("promptTokenCount");
    }

    @Test
    void deepseekCacheHitsArePricedAtTheHitPrice() {
        TokenCounts tokens = ProviderUsage.deepseek(1_000_000, 900_000, 0);
        assertThat(tokens).isEqualTo(new TokenCounts(100_000, 0, 0, 0, 900_000));
        // 100000 x 0.14 + 900000 x 0.0028
        assertThat(PriceTable.bundled().price("deepseek-v4-flash", tokens).costMicros()).isEqualTo(14_000 + 2_520);
        assertThatThrownBy(() -> ProviderUsage.deepseek(1, 2, 0)).hasMessageContaining("prompt_tokens");
    }
}
