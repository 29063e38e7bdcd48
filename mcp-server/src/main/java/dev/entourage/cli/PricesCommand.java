package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PriceTable;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage prices [MODEL]}: the price table, or the price a model gets. */
@Command(name = "prices", mixinStandardHelpOptions = true,
        description = {"Show the price table (USD per million tokens), or the price MODEL gets.",
                "A table file for --prices is CSV with the header",
                "  model,match,input,output,cache_write_5m,cache_write_1h,cache_read",
                "where match is 'exact' or 'prefix' (the longest matching prefix wins). A model that matches "
                        + "nothing is priced at the table's highest rate per token kind and marked estimated."})
final class PricesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "A model id, e.g. claude-sonnet-4-20250514.")
    String model;

    @Option(names = "--prices", paramLabel = "FILE", description = "Use this table instead of the bundled one.")
    Path prices;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        PriceTable table = prices == null ? PriceTable.bundled() : PriceTable.load(prices);
        List<ModelPrice> shown = model == null ? table.entries()
                : List.of(table.find(model).orElse(table.unknownPrice()));
        if (format == Format.json) {
            ObjectNode root = Json.mapper().createObjectNode();
            ArrayNode array = root.putArray("prices");
            for (ModelPrice p : shown) {
                ObjectNode node = array.addObject();
                node.put("model", p.id());
                node.put("match", p.prefix() ? "prefix" : "exact");
                node.put("input", Money.toDollars(p.inputPerMtok()));
                node.put("output", Money.toDollars(p.outputPerMtok()));
                node.put("cache_write_5m", Money.toDollars(p.cacheWrite5mPerMtok()));
                node.put("cache_write_1h", Money.toDollars(p.cacheWrite1hPerMtok()));
                node.put("cache_read", Money.toDollars(p.cacheReadPerMtok()));
                node.put("estimated", model != null && table.find(model).isEmpty());
            }
            Output.json(root);
            return 0;
        }
        Output.table(List.of("model", "match", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read"),
                shown.stream().map(p -> List.of(p.id(), p.prefix() ? "prefix" : "exact",
                        Money.format(p.inputPerMtok()), Money.format(p.outputPerMtok()),
                        Money.format(p.cacheWrite5mPerMtok()), Money.format(p.cacheWrite1hPerMtok()),
                        Money.format(p.cacheReadPerMtok()))).toList());
        if (model != null && table.find(model).isEmpty()) {
            Output.out().println("'" + model + "' matches no entry: it is priced at the highest rates (estimated).");
        }
        return 0;
    }
}
