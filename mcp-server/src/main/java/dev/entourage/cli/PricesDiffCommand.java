package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.pricing.PriceDiff;
import dev.entourage.ledger.pricing.PriceTable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage prices diff [FILE]}: what --prices FILE would change, or what the table's own dates change. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Show what --prices FILE would change against the bundled table on DAY (rows added, changed; "
                + "in/out/5m/1h/read, tiers and multipliers). Without FILE: what the bundled table's own dated versions "
                + "change between its checked_at day and DAY."})
final class PricesDiffCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..1", description = "A price file (either format).")
    Path file;

    @Option(names = "--at", paramLabel = "DAY", description = "The day to compare on (default: today, UTC).")
    LocalDate at;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        LocalDate day = at != null ? at : LocalDate.now(ZoneOffset.UTC);
        PriceTable bundled = PriceTable.bundled();
        List<PriceDiff.Change> changes = file == null
                ? PriceDiff.between(bundled, bundled, bundled.book().checkedAt(), day)
                : PriceDiff.between(bundled, PriceTable.layered(file), day);
        List<PriceDiff.Change> shown = file == null ? changes
                : changes.stream().filter(c -> !c.kind().equals("removed")).toList();
        if (format == Format.json) {
            ObjectNode root = Json.mapper().createObjectNode();
            root.put("day", day.toString());
            ArrayNode array = root.putArray("changes");
            shown.forEach(c -> array.addObject().put("model", c.id()).put("change", c.kind()).put("before", c.before())
                    .put("after", c.after()).put("source", c.source()));
            Output.json(root);
            return 0;
        }
        if (shown.isEmpty()) {
            Output.out().println("no differences on " + day);
            return 0;
        }
        Output.table(List.of("model", "change", "before (in/out/5m/1h/read …)", "after", "source"),
                shown.stream().map(c -> List.of(c.id(), c.kind(), c.before() == null ? "" : c.before(),
                        c.after() == null ? "" : c.after(), c.source())).toList());
        return 0;
    }
}
