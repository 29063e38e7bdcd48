package dev.entourage.ledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
    private static final String HEADER = "model,match,input,output,cache_write_5m,cache_write_1h,cache_read";
    private static final PriceTable BUNDLED = PriceTable.bundled();

    private static TokenCounts input(long n) {
        return new TokenCounts(n, 0, 0, 0, 0);
    }

    private static ModelPrice find(String model) {
        return BUNDLED.find(model).orElseThrow();
    }

    @Test
    void theGeographiesWithAPriceAreThoseOfTheTablesMultipliers() {
        assertThat(BUNDLED.inferenceGeos()).containsExactly("eu", "us");
        assertThat(PriceTable.parse("t.csv", List.of(HEADER, "m,prefix,1,1,1,1,1")).inferenceGeos()).isEmpty();
    }

    @Test
    void exactEntryBeatsPrefixEntry() {
        PriceTable table = PriceTable.parse("t.csv", List.of(HEADER,
                "m,prefix,1,1,1,1,1",
                "m-2,exact,2,2,2,2,2",
                "m-2,prefix,3,3,3,3,3"));
        assertThat(table.find("M-2").orElseThrow().inputPerMtok()).isEqualTo(2_000_000);
        assertThat(table.find("m-2-x").orElseThrow().inputPerMtok()).isEqualTo(3_000_000);
        assertThat(table.find("m-3").orElseThrow().inputPerMtok()).isEqualTo(1_000_000);

        ModelPrice sonnet = find("claude-sonnet-4-20250514");
        assertThat(sonnet.id()).isEqualTo("claude-sonnet-4");
        assertThat(sonnet.prefix()).isTrue();
    }

    @Test
    void longestPrefixWins() {
        assertThat(find("claude-opus-4-5-20251101").id()).isEqualTo("claude-opus-4-5");
        assertThat(find("claude-opus-4-5-20251101").inputPerMtok()).isEqualTo(5_000_000);
        assertThat(find("claude-opus-4-5-20251101").outputPerMtok()).isEqualTo(25_000_000);
        assertThat(find("claude-opus-4-20250514").id()).isEqualTo("claude-opus-4");
        assertThat(find("claude-opus-4-20250514").inputPerMtok()).isEqualTo(15_000_000);
        assertThat(find("gpt-4o-mini-2024-07-18").id()).isEqualTo("gpt-4o-mini");
        assertThat(find("gpt-4o-2024-08-06").id()).isEqualTo("gpt-4o");
        assertThat(find("gpt-5-mini-2025-08-07").id()).isEqualTo("gpt-5-mini");
        assertThat(find("CLAUDE-SONNET-4-5-20250929").id()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void findIsEmptyForNullBlankOrUnmatched() {
        assertThat(BUNDLED.find(null)).isEmpty();
        assertThat(BUNDLED.find("  ")).isEmpty();
        assertThat(BUNDLED.find("llama-3-70b")).isEmpty();
        assertThat(BUNDLED.find("claude")).isEmpty();
    }

    @Test
    void costOfInputAndOutput() {
        PricedCost cost = BUNDLED.price("claude-sonnet-4", new TokenCounts(2500, 800, 0, 0, 0));
        assertThat(cost.costMicros()).isEqualTo(7_500 + 12_000);
        assertThat(cost.estimated()).isFalse();
        assertThat(cost.price().id()).isEqualTo("claude-sonnet-4");
    }

    @Test
    void costWithCacheWritesAndReads() {
        // 1000 in * 3 + 200 out * 15 + 2000 5m * 3.75 + 1000 1h * 6 + 10000 read * 0.30
        TokenCounts tokens = new TokenCounts(1000, 200, 3000, 1000, 10_000);
        assertThat(BUNDLED.price("claude-sonnet-4-5-20250929", tokens).costMicros())
                .isEqualTo(3_000 + 3_000 + 7_500 + 6_000 + 3_000);
    }

    @Test
    void costRoundsHalfUp() {
        ModelPrice haiku = find("claude-3-haiku-20240307");
        assertThat(haiku.cost(input(1))).isZero();
        assertThat(haiku.cost(input(2))).isEqualTo(1);
        assertThat(haiku.cost(input(3))).isEqualTo(1);
        assertThat(haiku.cost(input(6))).isEqualTo(2);
        assertThat(haiku.cost(new TokenCounts(0, 0, 0, 0, 50))).isEqualTo(2);
        assertThat(haiku.cost(TokenCounts.ZERO)).isZero();
    }

    @Test
    void costOfLargestCountsIsExact() {
        ModelPrice max = new ModelPrice("max", false, ModelPrice.MAX_RATE, ModelPrice.MAX_RATE,
                ModelPrice.MAX_RATE, ModelPrice.MAX_RATE, ModelPrice.MAX_RATE);
        long n = TokenCounts.MAX_TOKENS;
        assertThat(max.cost(new TokenCounts(n, n, n, n / 2, n))).isEqualTo(4 * n * 1_000L);
    }

    @Test
    void unknownModelOfNoKnownFamilyIsPricedAtTheDocumentedDefaultNotTheTableMaximum() {
        PricedCost cost = BUNDLED.price("mystery-model-9", input(1));
        ModelPrice price = cost.price();
        assertThat(cost.estimated()).isTrue();
        assertThat(cost.unpriced()).isTrue();
        assertThat(cost.explanation().rule()).isEqualTo(PriceExplanation.Rule.DEFAULT);
        assertThat(price).isEqualTo(BUNDLED.unknownPrice());
        assertThat(price.id()).isEqualTo("unknown");
        assertThat(price.inputPerMtok()).isEqualTo(5_000_000).isLessThan(max(ModelPrice::inputPerMtok));
        assertThat(price.outputPerMtok()).isEqualTo(30_000_000).isLessThan(max(ModelPrice::outputPerMtok));
        assertThat(price.cacheReadPerMtok()).isEqualTo(500_000).isLessThan(max(ModelPrice::cacheReadPerMtok));
        assertThat(cost.costMicros()).isPositive();
        assertThat(BUNDLED.price("mystery-model-9", new TokenCounts(0, 0, 0, 0, 10)).costMicros()).isPositive();
    }

    @Test
    void unknownModelOfAKnownFamilyIsPricedAtItsMostExpensiveCurrentRow() {
        TokenCounts tokens = new TokenCounts(1000, 1000, 0, 0, 0);
        PricedCost opus = BUNDLED.price("claude-opus-6", tokens);
        assertThat(opus.unpriced()).isTrue();
        assertThat(opus.estimated()).isTrue();
        assertThat(opus.explanation().rule()).isEqualTo(PriceExplanation.Rule.FAMILY_ESTIMATE);
        // legacy Opus 4 / 4.1 / 3 (15/75) are not current: the dearest current Opus is 5/25
        assertThat(opus.costMicros()).isEqualTo(5_000 + 25_000);
        assertThat(BUNDLED.price("gpt-7-pro", tokens).price().id()).isEqualTo("gpt-5.4-pro");
        assertThat(BUNDLED.price("deepseek-v5-flash", tokens).price().id()).isEqualTo("deepseek-v4-flash");
        assertThat(BUNDLED.price("gemini-4-pro", tokens).price().id()).isEqualTo("gemini-3-pro");
    }

    @Test
    void nullModelIsEstimated() {
        PricedCost cost = BUNDLED.price(null, new TokenCounts(10, 10, 0, 0, 0));
        assertThat(cost.estimated()).isTrue();
        assertThat(cost.price().id()).isEqualTo("unknown");
        assertThat(cost.costMicros()).isEqualTo(50 + 300);
    }

    @Test
    void familyRowsNeverCaptureAnotherVersionOrVariant() {
        assertThat(find("claude-opus-4-7").id()).isEqualTo("claude-opus-4-7");
        assertThat(find("claude-opus-4-6-20260205").inputPerMtok()).isEqualTo(5_000_000);
        assertThat(find("claude-opus-4-20250514").inputPerMtok()).isEqualTo(15_000_000);
        assertThat(find("claude-opus-4-0").id()).isEqualTo("claude-opus-4");
        assertThat(find("gpt-5-pro").id()).isEqualTo("gpt-5-pro");
        assertThat(find("gpt-5.2").id()).isEqualTo("gpt-5.2");
        assertThat(find("gpt-5.5").outputPerMtok()).isEqualTo(30_000_000);
        assertThat(find("gpt-5.6-sol").id()).isEqualTo("gpt-5.6");
        assertThat(find("o3-pro").id()).isEqualTo("o3-pro");
        assertThat(find("o1-pro").id()).isEqualTo("o1-pro");
        assertThat(find("o3-2025-04-16").id()).isEqualTo("o3");
        assertThat(find("gemini-3-pro-preview").id()).isEqualTo("gemini-3-pro");
        assertThat(find("gemini-2.5-flash-preview-05-20").id()).isEqualTo("gemini-2.5-flash");
        assertThat(BUNDLED.find("gpt-4o-realtime-preview")).isEmpty();
        assertThat(find("gpt-4o-2024-05-13").inputPerMtok()).isEqualTo(5_000_000);
        assertThat(find("chatgpt-4o-latest").id()).isEqualTo("chatgpt-4o-latest");
        assertThat(BUNDLED.find("claude-opus-4-9")).isEmpty();
    }

    @Test
    void providerPrefixesAndSuffixesAreNormalisedAway() {
        assertThat(find("us.anthropic.claude-sonnet-4-5-20250929-v1:0").id()).isEqualTo("claude-sonnet-4-5");
        assertThat(find("anthropic/claude-opus-4-5").id()).isEqualTo("claude-opus-4-5");
        assertThat(find("claude-sonnet-4-5@20250929").id()).isEqualTo("claude-sonnet-4-5");
        assertThat(find("claude-haiku-5-5[1m]").id()).isEqualTo("claude-haiku-5-5");
        assertThat(find("openai/gpt-5.4").id()).isEqualTo("gpt-5.4");
        assertThat(find("models/gemini-2.5-pro").id()).isEqualTo("gemini-2.5-pro");
        assertThat(find("deepseek/deepseek-v4-pro").id()).isEqualTo("deepseek-v4-pro");
        ModelIds.Normalised n = ModelIds.normalise("global.anthropic.claude-opus-4-7-v1:0");
        assertThat(n.normalised()).isEqualTo("claude-opus-4-7");
        assertThat(n.steps()).hasSize(3);
    }

    @Test
    void explanationSaysHowAnIdResolved() {
        PricedCost cost = BUNDLED.price(PriceRequest.of("us.anthropic.claude-sonnet-4-6-v1:0", input(1))
                .at(java.time.Instant.parse("2026-01-05T10:00:00Z")));
        PriceExplanation why = cost.explanation();
        assertThat(why.id().normalised()).isEqualTo("claude-sonnet-4-6");
        assertThat(why.rule()).isEqualTo(PriceExplanation.Rule.EXACT);
        assertThat(why.row().until()).isEqualTo(java.time.LocalDate.parse("2026-03-13"));
        assertThat(why.row().source()).contains("GP");
        assertThat(why.provider()).isEqualTo("anthropic");
        assertThat(why.tableVersion()).isEqualTo("2026-12-01");
    }

    @Test
    void badHeaderNamesFileAndLine() {
        assertParseError(List.of("# prices", "", "model,input,output", "x,exact,1,1,1,1,1"), "bad.csv:3:", "header");
    }

    @Test
    void badMatchWordNamesFileAndLine() {
        assertParseError(List.of(HEADER, "x,exact,1,1,1,1,1", "y,fuzzy,1,1,1,1,1"), "bad.csv:3:", "fuzzy");
    }

    @Test
    void negativePriceNamesFileAndLine() {
        assertParseError(List.of(HEADER, "x,exact,1,-1,1,1,1"), "bad.csv:2:", "output must not be negative");
    }

    @Test
    void tooManyDecimalsNamesFileAndLine() {
        assertParseError(List.of(HEADER, "x,exact,0.0000001,1,1,1,1"), "bad.csv:2:", "more than 6 decimals");
    }

    @Test
    void duplicateEntryNamesFileAndLine() {
        assertParseError(List.of(HEADER, "x,prefix,1,1,1,1,1", "x,exact,1,1,1,1,1", "X,prefix,2,2,2,2,2"),
                "bad.csv:4:", "duplicate");
    }

    @Test
    void otherBadLinesAreRejected() {
        assertParseError(List.of(HEADER, "x,exact,1,1,1,1"), "bad.csv:2:", "7 columns");
        assertParseError(List.of(HEADER, "x,exact,1,1,abc,1,1"), "bad.csv:2:", "cache_write_5m");
        assertParseError(List.of(HEADER, "x,exact,1,1,1,1,1e3"), "bad.csv:2:", "cache_read");
        assertParseError(List.of(HEADER, "x,exact,1000.000001,1,1,1,1"), "bad.csv:2:", "at most");
        assertParseError(List.of(HEADER, " ,exact,1,1,1,1,1"), "bad.csv:2:", "blank");
    }

    @Test
    void emptyTableIsRejected() {
        assertParseError(List.of("# nothing", HEADER), "bad.csv", "no price entries");
        assertParseError(List.of(), "bad.csv", "no price entries");
    }

    @Test
    void sixDecimalsAreExact() {
        PriceTable table = PriceTable.parse("t.csv", List.of(HEADER, "x,exact,0.000001,1000,18.75,0,0.30"));
        ModelPrice x = table.entries().get(0);
        assertThat(x.inputPerMtok()).isEqualTo(1);
        assertThat(x.outputPerMtok()).isEqualTo(1_000_000_000);
        assertThat(x.cacheWrite5mPerMtok()).isEqualTo(18_750_000);
        assertThat(x.cacheWrite1hPerMtok()).isZero();
        assertThat(x.cacheReadPerMtok()).isEqualTo(300_000);
    }

    @Test
    void loadedFileReplacesBundledTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-prices.csv");
        Files.writeString(file, "# mine\n" + HEADER + "\nclaude-sonnet-4,prefix,4,20,5,8,0.40\nlocal-,prefix,0,0,0,0,0\n",
                StandardCharsets.UTF_8);
        PriceTable table = PriceTable.load(file);
        assertThat(table.entries()).extracting(ModelPrice::id).containsExactly("claude-sonnet-4", "local-");
        assertThat(table.price("claude-sonnet-4-20250514", new TokenCounts(1000, 0, 0, 0, 0)).costMicros())
                .isEqualTo(4_000);
        assertThat(table.find("gpt-4o")).isEmpty();
        PricedCost local = table.price("local-llama", input(1000));
        assertThat(local.estimated()).isFalse();
        assertThat(local.costMicros()).isZero();
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad-prices.csv");
        Files.writeString(bad, HEADER + "\nx,exact,1,1,1,1\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PriceTable.load(bad))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining(bad + ":2:");
        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> PriceTable.load(missing))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.details()).containsEntry("field", "prices");
                })
                .hasMessageContaining(missing.toString());
    }

    @Test
    void bundledEntriesAreConsistent() {
        assertThat(BUNDLED.entries()).hasSizeGreaterThan(60);
        assertThat(BUNDLED.entries().get(0).id()).isEqualTo("claude-opus-4");
        assertThat(BUNDLED.book().checkedAt()).isEqualTo(java.time.LocalDate.parse("2026-12-01"));
        assertThat(BUNDLED.rows()).allSatisfy(r -> assertThat(r.source()).as(r.id()).isNotBlank());
        for (ModelPrice p : BUNDLED.entries()) {
            assertThat(p.cacheWrite5mPerMtok()).as(p.id()).isNotNegative();
            assertThat(p.cacheWrite1hPerMtok()).as(p.id()).isGreaterThanOrEqualTo(p.cacheWrite5mPerMtok());
            assertThat(p.cacheReadPerMtok()).as(p.id()).isLessThanOrEqualTo(p.inputPerMtok());
            assertThat(p.inputPerMtok()).as(p.id()).isPositive();
            assertThat(p.outputPerMtok()).as(p.id()).isGreaterThanOrEqualTo(p.inputPerMtok());
        }
        assertThat(PriceTable.bundled()).isSameAs(BUNDLED);
    }

    @Test
    void bundledRowsKeepTheirProvidersRatios() {
        assertThat(BUNDLED.rows()).allSatisfy(r -> assertThat(PriceRatios.broken(r)).as(r.id()).isEmpty());
        PriceRow outlier = PriceTable.parse("t.csv", List.of("@format entourage-prices/2", "@version 1",
                PriceFile.HEADER, "claude-3-haiku,family,anthropic,,,0.25,1.25,0.30,6,0.03,,,LL")).rows().get(0);
        assertThat(PriceRatios.broken(outlier)).contains("cache_write_1h is not 2 x input");
    }

    @Test
    void modelPriceRejectsBadValues() {
        assertThatThrownBy(() -> new ModelPrice(" ", false, 1, 1, 1, 1, 1)).isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> new ModelPrice("x", false, -1, 1, 1, 1, 1)).isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> new ModelPrice("x", false, 1, ModelPrice.MAX_RATE + 1, 1, 1, 1))
                .isInstanceOf(LedgerException.class);
    }

    private static long max(ToLongFunction<ModelPrice> rate) {
        return BUNDLED.entries().stream().mapToLong(rate).max().orElseThrow();
    }

    private static void assertParseError(List<String> lines, String location, String what) {
        assertThatThrownBy(() -> PriceTable.parse("bad.csv", lines))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining(location)
                .hasMessageContaining(what);
    }
}
