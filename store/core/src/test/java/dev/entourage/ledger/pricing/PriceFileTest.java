package dev.entourage.ledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versioned format's rules, and {@code --prices FILE} layering on top of the bundled table. */
class PriceFileTest {
    private static final TokenCounts TOKENS = new TokenCounts(1000, 1000, 0, 0, 0);

    private static List<String> file(String... rows) {
        List<String> lines = new ArrayList<>(List.of("# mine", "@format entourage-prices/2", "@version v1",
                "@checked_at 2026-12-01", "@provider acme acme-", "@modifiers acme batch=0.5", PriceFile.HEADER));
        lines.addAll(List.of(rows));
        return lines;
    }

    @Test
    void versionedRowsHaveDatesTiersModifiersAndSources() {
        PriceTable table = PriceTable.parse("t.csv", file(
                "acme-1|acme-one,family,acme,,2026-06-01,1,2,1.25,2,0.10,>1000=2/3/2.5/4/0.2,fast=2,acme page",
                "acme-1|acme-one,family,acme,2026-06-01,,3,4,3.75,6,0.30,,batch=none,acme page (cut)"));
        PriceRow row = table.rows().get(0);
        assertThat(row.ids()).containsExactly("acme-1", "acme-one");
        assertThat(row.tiers()).hasSize(1);
        assertThat(row.source()).isEqualTo("acme page");
        assertThat(table.book().checkedAt()).isEqualTo(LocalDate.parse("2026-12-01"));
        PriceRequest early = PriceRequest.of("acme-one-20260101", TOKENS).at(java.time.Instant.parse("2026-05-31T23:00:00Z"));
        assertThat(table.price(early).costMicros()).isEqualTo(1000 + 2000);
        assertThat(table.price(early.serviceTier("batch")).costMicros()).isEqualTo(500 + 1000);
        assertThat(table.price(early.speed("fast")).costMicros()).isEqualTo(2000 + 4000);
        PriceRequest late = early.at(java.time.Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(table.price(late).costMicros()).isEqualTo(3000 + 4000);
        PricedCost noBatch = table.price(late.serviceTier("batch"));
        assertThat(noBatch.costMicros()).isEqualTo(3000 + 4000);
        assertThat(noBatch.estimated()).isTrue();
        assertThat(noBatch.unpriced()).isFalse();
        assertThat(table.price(PriceRequest.of("acme-1", new TokenCounts(500, 0, 0, 0, 501))
                .at(java.time.Instant.parse("2026-01-01T00:00:00Z"))).costMicros()).isEqualTo(1000 + 100);
    }

    @Test
    void badVersionedFilesNameTheLine() {
        assertError(file("a,family,acme,,,1,1,1,1,1,,,s", "a,family,acme,,,2,2,2,2,2,,,s"), "versions of 'a'");
        assertError(file("a,family,acme,2026-02-01,2026-01-01,1,1,1,1,1,,,s"), "t.csv:8: until must be after from");
        assertError(file("a,fuzzy,acme,,,1,1,1,1,1,,,s"), "t.csv:8: match");
        assertError(file("a,family,acme,,,1,1,1,1,1,>0=1/1/1/1/1,,s"), "thresholds");
        assertError(file("a,family,acme,,,1,1,1,1,1,,batch=-1,s"), "modifier batch");
        assertError(file("a,family,acme,,,1,1,1,1,1,,batch,s"), "modifier 'batch'");
        assertError(file("a,family,acme,,,600,600,600,600,600,,priority=2,s"), "would exceed");
        assertError(file("a,family,acme,yesterday,,1,1,1,1,1,,,s"), "not a date");
        assertError(List.of("@format entourage-prices/2", PriceFile.HEADER, "a,family,acme,,,1,1,1,1,1,,,s"),
                "missing '@version'");
        assertError(List.of("@format entourage-prices/3"), "t.csv:1:");
    }

    @Test
    void pricesFileLayersOnTopOfTheBundledTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-prices.csv");
        Files.writeString(file, "model,match,input,output,cache_write_5m,cache_write_1h,cache_read\n"
                + "claude-sonnet-4-5,prefix,4,20,5,8,0.40\nlocal-,prefix,0,0,0,0,0\n", StandardCharsets.UTF_8);
        PriceTable table = PriceTable.layered(file);
        assertThat(table.price("claude-sonnet-4-5-20250929", TOKENS).costMicros()).isEqualTo(4_000 + 20_000);
        assertThat(table.price("claude-sonnet-4-5", TOKENS).price().prefix()).isTrue();
        assertThat(table.price("claude-opus-4-7", TOKENS).costMicros()).isEqualTo(5_000 + 25_000);
        assertThat(table.price("gpt-4o", TOKENS).estimated()).isFalse();
        assertThat(table.price("local-llama", TOKENS).costMicros()).isZero();
        assertThat(table.rows()).filteredOn(r -> r.id().equals("claude-sonnet-4-5")).hasSize(1);
        assertThat(table.rows()).filteredOn(r -> r.id().equals("claude-sonnet-4-5")).first()
                .extracting(PriceRow::provider).isEqualTo("anthropic");
        assertThat(table.book().version()).isEqualTo("2026-12-01+" + file);
    }

    private static void assertError(List<String> lines, String what) {
        assertThatThrownBy(() -> PriceTable.parse("t.csv", lines)).isInstanceOf(LedgerException.class)
                .hasMessageContaining(what);
    }
}
