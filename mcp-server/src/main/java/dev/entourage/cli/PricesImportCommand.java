package dev.entourage.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.pricing.PriceBook;
import dev.entourage.ledger.pricing.PriceDiff;
import dev.entourage.ledger.pricing.PriceFileWriter;
import dev.entourage.ledger.pricing.PriceRow;
import dev.entourage.ledger.pricing.PriceTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage prices import FILE… --format litellm|genai-prices|csv}: another table as a new dated version file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read LiteLLM's model_prices_and_context_window.json, genai-prices' prices/providers/*.yml "
                + "(files or a directory) or a price CSV into a new dated version file in the bundled format, to use "
                + "with --prices FILE. Numbers are read as exact decimals; rows that break their provider's price "
                + "ratios are rejected with a message on stderr."})
final class PricesImportCommand implements Callable<Integer> {
    enum Source { litellm, genai_prices, csv }

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "The file(s) to read.")
    List<Path> files;

    @Option(names = "--format", required = true, paramLabel = "litellm|genai-prices|csv",
            converter = SourceConverter.class, description = "The file's format.")
    Source source;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write (default: prices-FORMAT-DAY.csv here).")
    Path out;

    @Option(names = "--date", paramLabel = "DAY", description = "The version's day (default: today, UTC).")
    LocalDate date;

    static final class SourceConverter implements picocli.CommandLine.ITypeConverter<Source> {
        @Override
        public Source convert(String value) {
            return Source.valueOf(value.replace('-', '_'));
        }
    }

    @Override
    public Integer call() {
        LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
        String name = source.name().replace('_', '-');
        PriceBook bundled = PriceTable.bundled().book();
        ImportedPrices imported = new ImportedPrices(bundled.providerPrefixes());
        List<PriceRow> rows;
        int rejectedHere = 0;
        if (source == Source.csv) {
            rows = new ArrayList<>();
            for (Path f : files) {
                rows.addAll(PriceTable.load(f).rows());
            }
        } else {
            ObjectMapper mapper = (source == Source.litellm ? JsonMapper.builder() : YAMLMapper.builder())
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
            for (Path f : expand(files)) {
                JsonNode root = readTree(mapper, f);
                if (source == Source.litellm) {
                    LiteLlmPrices.read(root, day, imported);
                } else {
                    GenaiPrices.read(root, imported);
                }
            }
            java.util.Map<String, List<PriceRow>> byId = new java.util.LinkedHashMap<>();
            imported.rows().stream().map(r -> withBundledModifiers(r, bundled))
                    .forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r));
            rows = new ArrayList<>();
            for (List<PriceRow> versions : byId.values()) {
                if (valid(versions, bundled)) {
                    rows.addAll(versions);
                } else {
                    rejectedHere++;
                }
            }
        }
        PriceBook book = new PriceBook(name + "-" + day, day, rows, bundled.providerPrefixes(),
                bundled.providerModifiers(), bundled.unknown());
        imported.rejected().forEach(r -> System.err.println("rejected: " + r));
        Path target = out != null ? out : Path.of("prices-" + name + "-" + day + ".csv");
        List<String> lines = PriceFileWriter.write(book, List.of("Imported by entourage prices import --format " + name
                + " from " + files, "Layer it on the bundled table with --prices " + target.getFileName()));
        PriceTable.parse(target.toString(), lines);
        try {
            Files.write(target, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw LedgerException.invalid("out", target + " cannot be written (" + e.getClass().getSimpleName() + ")");
        }
        List<PriceDiff.Change> changes = PriceDiff.between(PriceTable.bundled(),
                PriceTable.layered(target), day);
        Output.out().println("wrote " + target + ": " + rows.size() + " rows (" + (imported.rejected().size() + rejectedHere)
                + " rejected, " + imported.skipped() + " skipped); against the bundled table "
                + changes.stream().filter(c -> c.kind().equals("changed")).count() + " changed, "
                + changes.stream().filter(c -> c.kind().equals("added")).count() + " added. See: entourage prices diff "
                + target);
        return 0;
    }

    /**
     * The row with the multipliers of the bundled row its id resolves to (exactly or by family), unless the imported
     * file says otherwise.
     */
    private static PriceRow withBundledModifiers(PriceRow row, PriceBook bundled) {
        dev.entourage.ledger.pricing.PriceExplanation why = PriceTable.bundled().price(
                dev.entourage.ledger.pricing.PriceRequest.of(row.id(), dev.entourage.ledger.TokenCounts.ZERO)).explanation();
        PriceRow known = why.rule() == dev.entourage.ledger.pricing.PriceExplanation.Rule.EXACT
                || why.rule() == dev.entourage.ledger.pricing.PriceExplanation.Rule.FAMILY ? why.row() : null;
        if (known == null) {
            return row;
        }
        java.util.Map<String, java.math.BigDecimal> modifiers = new java.util.LinkedHashMap<>(known.modifiers());
        modifiers.putAll(row.modifiers());
        return new PriceRow(row.ids(), row.match(), row.provider(), row.from(), row.until(), row.rates(), row.tiers(),
                modifiers, known.without(), row.legacy() || known.legacy(), row.source());
    }

    /** Whether {@code rows} of one model make a valid table on top of the bundled one; else says why on stderr. */
    private static boolean valid(List<PriceRow> rows, PriceBook bundled) {
        try {
            PriceTable.bundled().layer("import", new PriceBook("check", null, rows, java.util.Map.of(),
                    java.util.Map.of(), java.util.Map.of()));
            return true;
        } catch (LedgerException e) {
            System.err.println("rejected: " + rows.get(0).source() + ": " + e.getMessage().replace("prices: import: ", ""));
            return false;
        }
    }

    private static List<Path> expand(List<Path> files) {
        List<Path> all = new ArrayList<>();
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                try (Stream<Path> list = Files.list(f)) {
                    list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted()
                            .forEach(all::add);
                } catch (IOException e) {
                    throw LedgerException.invalid("file", f + " cannot be listed");
                }
            } else {
                all.add(f);
            }
        }
        return all;
    }

    private static JsonNode readTree(ObjectMapper mapper, Path f) {
        try {
            return mapper.readTree(f.toFile());
        } catch (IOException e) {
            throw LedgerException.invalid("file", f + " cannot be read as " + (mapper instanceof YAMLMapper ? "YAML" : "JSON")
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
