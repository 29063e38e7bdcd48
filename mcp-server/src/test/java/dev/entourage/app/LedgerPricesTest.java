package dev.entourage.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.pricing.PricedCost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} and {@code mcp} open the ledger with {@code --prices FILE}: the file layers on the bundled table. */
class LedgerPricesTest {
    @Test
    void pricesFileLayersOnTopOfTheBundledTable(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("mine.csv");
        Files.writeString(prices, "model,match,input,output,cache_write_5m,cache_write_1h,cache_read\n"
                + "local-,prefix,0,0,0,0,0\n", StandardCharsets.UTF_8);
        try (Ledger ledger = Ledger.open(dir.resolve("l.db").toString(), prices, Clock.systemUTC())) {
            PriceTable table = ledger.services().prices();
            TokenCounts tokens = new TokenCounts(1000, 1000, 0, 0, 0);
            assertThat(table.price("local-llama", tokens).costMicros()).isZero();
            PricedCost gpt = table.price("gpt-4o", tokens);
            assertThat(gpt.estimated()).isFalse();
            assertThat(gpt.costMicros()).isEqualTo(2_500 + 10_000);
        }
    }
}
