package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage prices}: how an id resolves, --prices layering, import and diff, run as the CLI runs. */
class PricesCommandTest {
    @TempDir
    Path dir;

    private CliRunner.Run run(String... args) {
        return CliRunner.execute(System.getenv(), null, args);
    }

    @Test
    void aPrefixedIdResolvesToItsRowAndSaysWhy() {
        JsonNode json = run("prices", "us.anthropic.claude-opus-4-7-v1:0", "--format", "json").json();
        assertThat(json.at("/prices/0/model").asText()).isEqualTo("claude-opus-4-7");
        assertThat(json.at("/prices/0/input").decimalValue()).isEqualByComparingTo("5");
        assertThat(json.at("/prices/0/unpriced").asBoolean()).isFalse();
        assertThat(json.at("/resolution/normalised").asText()).isEqualTo("claude-opus-4-7");
        assertThat(json.at("/resolution/rule").asText()).isEqualTo("exact");
        assertThat(json.at("/resolution/from").asText()).isEqualTo("2026-07-24");
        assertThat(json.at("/resolution/source").asText()).contains("AP");
        assertThat(json.at("/resolution/normalisation")).hasSize(3);

        CliRunner.Run table = run("prices", "claude-sonnet-4-5@20250929");
        assertThat(table.out()).contains("claude-sonnet-4-5@20250929 -> claude-sonnet-4-5")
                .contains("rule:      exact id: row claude-sonnet-4-5").contains("prompt above 200000 tokens");
        assertThat(run("prices", "claude-opus-4-6", "--speed", "fast", "--format", "json").json()
                .at("/prices/0/input").decimalValue()).isEqualByComparingTo("30");
    }

    @Test
    void theIdsTheOldPrefixesCaughtGetTheirOwnRows() {
        assertThat(input("claude-opus-4-7")).isEqualByComparingTo("5");
        assertThat(input("claude-opus-4-6-20260205")).isEqualByComparingTo("5");
        assertThat(input("gpt-5-pro")).isEqualByComparingTo("15");
        assertThat(input("gpt-5.5")).isEqualByComparingTo("5");
        assertThat(input("o3-pro")).isEqualByComparingTo("20");
        assertThat(input("o1-pro")).isEqualByComparingTo("150");
        assertThat(input("gemini-2.5-pro")).isEqualByComparingTo("1.25");
        assertThat(input("deepseek-v4-flash")).isEqualByComparingTo("0.14");
        assertThat(input("anthropic/claude-opus-4-5")).isEqualByComparingTo("5");
    }

    private java.math.BigDecimal input(String model) {
        return run("prices", model, "--format", "json").json().at("/prices/0/input").decimalValue();
    }

    @Test
    void anUnknownModelIsUnpricedNeverTheTableMaximum() {
        JsonNode json = run("prices", "claude-opus-9", "--format", "json").json();
        assertThat(json.at("/prices/0/unpriced").asBoolean()).isTrue();
        assertThat(json.at("/prices/0/cache_read").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(json.at("/resolution/rule").asText()).isEqualTo("family_estimate");
        assertThat(run("prices", "mystery-9").out()).contains("unpriced and estimated");
    }

    @Test
    void pricesFileLayersOnTopOfTheBundledTable() throws IOException {
        Path mine = dir.resolve("mine.csv");
        Files.writeString(mine, "model,match,input,output,cache_write_5m,cache_write_1h,cache_read\n"
                + "local-,prefix,0,0,0,0,0\n", StandardCharsets.UTF_8);
        assertThat(run("prices", "local-llama", "--prices", mine.toString(), "--format", "json").json()
                .at("/prices/0/input").decimalValue()).isZero();
        assertThat(run("prices", "gpt-5.5", "--prices", mine.toString(), "--format", "json").json()
                .at("/prices/0/input").decimalValue()).isEqualByComparingTo("5");

        Path converted = dir.resolve("converted.csv");
        CliRunner.Run imported = run("prices", "import", mine.toString(), "--format", "csv", "--out", converted.toString(),
                "--date", "2026-12-01");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(Files.readString(converted)).contains("@format entourage-prices/2").contains("local-,prefix,,,,0,0,0,0,0,,,");
        assertThat(run("prices", "local-llama", "--prices", converted.toString(), "--format", "json").json()
                .at("/prices/0/input").decimalValue()).isZero();
    }

    @Test
    void importReadsLiteLlmExactlyRejectsOutliersAndDiffShowsWhatChanges() throws IOException {
        Path source = dir.resolve("model_prices_and_context_window.json");
        try (InputStream in = getClass().getResourceAsStream("litellm-trimmed.json")) {
            Files.write(source, in.readAllBytes());
        }
        Path out = dir.resolve("imported.csv");
        CliRunner.Run imported = run("prices", "import", source.toString(), "--format", "litellm", "--out",
                out.toString(), "--date", "2026-12-01");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("claude-3-haiku-20240307: cache_write_1h is not 2 x input (anthropic): rejected");
        assertThat(imported.err()).contains("gpt-5-nano: priority multiplier 50 is outside the provider's range: rejected");
        assertThat(imported.out()).contains("4 rows (2 rejected");
        String file = Files.readString(out);
        assertThat(file).contains("@version litellm-2026-12-01").contains("@checked_at 2026-12-01")
                .contains("deepseek-v4-pro,family,deepseek,,,0.435,0.87,0.435,0.435,0.003625,")
                .contains(">200000=6/22.5/7.5/12/0.6").doesNotContain("heroku").doesNotContain("embedding");

        JsonNode diff = run("prices", "diff", out.toString(), "--at", "2026-12-01", "--format", "json").json();
        assertThat(diff.path("changes").findValuesAsText("model")).contains("gpt-5.6-luna")
                .doesNotContain("claude-sonnet-4-5-20250929", "claude-opus-4-7");
        JsonNode luna = null;
        for (JsonNode c : diff.path("changes")) {
            if (c.path("model").asText().equals("gpt-5.6-luna")) {
                luna = c;
            }
        }
        assertThat(luna.path("change").asText()).isEqualTo("changed");
        assertThat(luna.path("before").asText()).startsWith("0.2/1.2/0.25/0.25/0.02");
        assertThat(luna.path("after").asText()).startsWith("1/6/1.25/1.25/0.1").contains("batch=0.5");
        assertThat(run("prices", "diff", "--at", "2027-01-01").out()).contains("gemini-3.6-flash")
                .contains("0.75/3.75/0.75/0.75/0.075");
    }

    @Test
    void importOfGenaiPricesReadsDatedVersionsAndTiers() throws IOException {
        Path yml = dir.resolve("openai.yml");
        Files.writeString(yml, """
                id: openai
                models:
                  - id: gpt-5.6-terra
                    match:
                      starts_with: gpt-5.6-terra
                    prices:
                      - prices:
                          input_mtok: {base: 2.5, tiers: [{start: 272000, price: 5}]}
                          cache_read_mtok: {base: 0.25, tiers: [{start: 272000, price: 0.5}]}
                          cache_write_mtok: {base: 3.125, tiers: [{start: 272000, price: 6.25}]}
                          output_mtok: {base: 15, tiers: [{start: 272000, price: 22.5}]}
                      - constraint:
                          start_date: 2026-07-30
                        prices:
                          input_mtok: 2
                          cache_read_mtok: 0.2
                          cache_write_mtok: 2.5
                          output_mtok: 12
                """, StandardCharsets.UTF_8);
        Path out = dir.resolve("gp.csv");
        CliRunner.Run imported = run("prices", "import", yml.toString(), "--format", "genai-prices", "--out",
                out.toString(), "--date", "2026-12-01");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(Files.readString(out))
                .contains("gpt-5.6-terra,family,openai,,2026-07-30,2.5,15,3.125,3.125,0.25,>272000=5/22.5/6.25/6.25/0.5,")
                .contains("gpt-5.6-terra,family,openai,2026-07-30,,2,12,2.5,2.5,0.2,,");
        assertThat(run("prices", "import", yml.toString(), "--format", "yaml").code()).isNotZero();
    }
}
