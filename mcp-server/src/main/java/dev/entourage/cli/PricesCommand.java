package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PriceExplanation;
import dev.entourage.ledger.pricing.PriceRequest;
import dev.entourage.ledger.pricing.PriceRow;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.pricing.PricedCost;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage prices [MODEL]}: the price table, or how MODEL resolves and the price it gets. */
@Command(name = "prices", mixinStandardHelpOptions = true,
        subcommands = {PricesImportCommand.class, PricesDiffCommand.class},
        description = {"Show the price table (USD per million tokens), or how MODEL resolves: its normalised id, "
                + "the row and rule that matched, the version in force and its source.",
                "--prices FILE layers a file on top of the bundled table (its rows replace the bundled rows with the "
                        + "same id); the file is the versioned format of the bundled table or the old CSV",
                "  model,match,input,output,cache_write_5m,cache_write_1h,cache_read",
                "A model that matches no row is unpriced: estimated at the dearest current row of its family, else "
                        + "at the table's default, never $0."})
final class PricesCommand implements Callable<Integer> {
    private static final TokenCounts NOMINAL = new TokenCounts(1000, 1000, 0, 0, 0);

    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "A model id, e.g. claude-sonnet-4-20250514.")
    String model;

    @Option(names = "--prices", paramLabel = "FILE", description = "Layer this file on top of the bundled table.")
    Path prices;

    @Option(names = "--at", paramLabel = "DAY", description = "The day (UTC) to price on (default: the table's checked_at day).")
    LocalDate at;

    @Option(names = "--service-tier", paramLabel = "TIER", description = "batch, flex or priority.")
    String serviceTier;

    @Option(names = "--speed", paramLabel = "SPEED", description = "fast.")
    String speed;

    @Option(names = "--inference-geo", paramLabel = "GEO", description = "e.g. us.")
    String inferenceGeo;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    static PriceTable table(Path prices) {
        return prices == null ? PriceTable.bundled() : PriceTable.layered(prices);
    }

    @Override
    public Integer call() {
        PriceTable table = table(prices);
        if (model == null) {
            rows(table);
            return 0;
        }
        PricedCost cost = table.price(new PriceRequest(model, NOMINAL,
                at == null ? null : at.atStartOfDay().toInstant(ZoneOffset.UTC), serviceTier, speed, inferenceGeo));
        PriceExplanation why = cost.explanation();
        ModelPrice p = cost.price();
        PriceRow row = why.row();
        if (format == Format.json) {
            ObjectNode root = Json.mapper().createObjectNode();
            ObjectNode node = root.putArray("prices").addObject();
            rates(node.put("model", p.id()).put("match", row == null ? "unknown" : row.match().wireName()), p);
            node.put("estimated", cost.estimated()).put("unpriced", cost.unpriced());
            ObjectNode r = root.putObject("resolution");
            r.put("model", why.id().original()).put("normalised", why.id().normalised());
            why.id().steps().forEach(r.putArray("normalisation")::add);
            r.put("rule", why.rule().name().toLowerCase(java.util.Locale.ROOT)).put("row", p.id())
                    .put("provider", why.provider()).put("table_version", why.tableVersion());
            r.put("from", row == null || row.from() == null ? null : row.from().toString())
                    .put("until", row == null || row.until() == null ? null : row.until().toString())
                    .put("source", row == null ? "the table's @unknown default" : row.source());
            why.multipliers().forEach(r.putArray("multipliers")::add);
            why.notes().forEach(r.putArray("notes")::add);
            Output.json(root);
            return 0;
        }
        Output.table(List.of("model", "match", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read"),
                List.of(cells(p, row == null ? "unknown" : row.match().wireName())));
        List<String> lines = new ArrayList<>();
        lines.add("id:        " + why.id().original() + " -> " + why.id().normalised()
                + (why.id().steps().isEmpty() ? "" : " (" + String.join("; ", why.id().steps()) + ")"));
        lines.add("rule:      " + why.rule().description() + (row == null ? "" : ": row " + row.id()));
        lines.add("version:   " + (row == null ? "-" : (row.from() == null ? "always" : "from " + row.from())
                + (row.until() == null ? "" : " until " + row.until())) + " (table " + why.tableVersion() + ")");
        lines.add("source:    " + (row == null ? "the table's @unknown default" : row.source()));
        if (row != null && !row.tiers().isEmpty()) {
            row.tiers().forEach(t -> lines.add("tier:      prompt above " + t.aboveTokens()
                    + " tokens reprices the whole request at " + dollars(t.rates())));
        }
        if (!why.multipliers().isEmpty()) {
            lines.add("applied:   " + String.join(", ", why.multipliers()));
        }
        why.notes().forEach(n -> lines.add("note:      " + n));
        if (cost.unpriced()) {
            lines.add("'" + model + "' has no price: it is unpriced and estimated.");
        }
        lines.forEach(Output.out()::println);
        return 0;
    }

    private void rows(PriceTable table) {
        if (format == Format.json) {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("version", table.book().version());
            root.put("checked_at", table.book().checkedAt() == null ? null : table.book().checkedAt().toString());
            ArrayNode array = root.putArray("prices");
            for (PriceRow row : table.rows()) {
                ObjectNode node = rates(array.addObject().put("model", row.id()).put("match", row.match().wireName()),
                        row.rates());
                node.put("provider", row.provider());
                node.put("from", row.from() == null ? null : row.from().toString());
                node.put("until", row.until() == null ? null : row.until().toString());
                node.put("source", row.source());
            }
            Output.json(root);
            return;
        }
        Output.table(List.of("model", "match", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
                        "from", "until"),
                table.rows().stream().map(r -> {
                    List<String> cells = new ArrayList<>(cells(r.rates(), r.match().wireName()));
                    cells.set(0, r.id());
                    cells.add(r.from() == null ? "" : r.from().toString());
                    cells.add(r.until() == null ? "" : r.until().toString());
                    return cells;
                }).toList());
    }

    private static ObjectNode rates(ObjectNode node, ModelPrice p) {
        return node.put("input", Money.toDollars(p.inputPerMtok())).put("output", Money.toDollars(p.outputPerMtok()))
                .put("cache_write_5m", Money.toDollars(p.cacheWrite5mPerMtok()))
                .put("cache_write_1h", Money.toDollars(p.cacheWrite1hPerMtok()))
                .put("cache_read", Money.toDollars(p.cacheReadPerMtok()));
    }

    private static List<String> cells(ModelPrice p, String match) {
        return List.of(p.id(), match, Money.format(p.inputPerMtok()), Money.format(p.outputPerMtok()),
                Money.format(p.cacheWrite5mPerMtok()), Money.format(p.cacheWrite1hPerMtok()),
                Money.format(p.cacheReadPerMtok()));
    }

    private static String dollars(ModelPrice p) {
        return Money.format(p.inputPerMtok()) + "/" + Money.format(p.outputPerMtok()) + "/"
                + Money.format(p.cacheWrite5mPerMtok()) + "/" + Money.format(p.cacheWrite1hPerMtok()) + "/"
                + Money.format(p.cacheReadPerMtok());
    }
}
