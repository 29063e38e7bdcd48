package dev.entourage.ledger.pricing;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * An immutable table of model prices, read from CSV:
 *
 * <pre>
 * # comment
 * model,match,input,output,cache_write_5m,cache_write_1h,cache_read
 * claude-sonnet-4,prefix,3,15,3.75,6,0.30
 * </pre>
 *
 * <p>Prices are USD per million tokens with at most six decimals; {@code match} is {@code exact} or
 * {@code prefix}. See {@link #find(String)} for matching and {@link #price(String, TokenCounts)} for
 * models not in the table.
 */
public final class PriceTable {
    static final String RESOURCE = "/dev/entourage/ledger/pricing/prices.csv";
    static final String UNKNOWN_ID = "unknown";

    private final List<ModelPrice> entries;
    private final Map<String, ModelPrice> exact;
    private final List<ModelPrice> prefixesLongestFirst;
    private final ModelPrice unknown;

    private PriceTable(List<ModelPrice> entries) {
        this.entries = List.copyOf(entries);
        Map<String, ModelPrice> byId = new HashMap<>();
        for (ModelPrice price : this.entries) {
            if (!price.prefix()) {
                byId.put(key(price.id()), price);
            }
        }
        this.exact = Map.copyOf(byId);
        this.prefixesLongestFirst = this.entries.stream()
                .filter(ModelPrice::prefix)
                .sorted(Comparator.comparingInt((ModelPrice p) -> p.id().length()).reversed())
                .toList();
        this.unknown = new ModelPrice(UNKNOWN_ID, false,
                max(ModelPrice::inputPerMtok), max(ModelPrice::outputPerMtok),
                max(ModelPrice::cacheWrite5mPerMtok), max(ModelPrice::cacheWrite1hPerMtok),
                max(ModelPrice::cacheReadPerMtok));
    }

    /** The table shipped with Entourage, read once from the classpath. */
    public static PriceTable bundled() {
        return Bundled.TABLE;
    }

    /**
     * Reads a price file, e.g. one given with {@code --prices FILE}; it replaces the bundled table.
     *
     * @throws LedgerException {@code invalid_request} on field {@code prices} naming the file, and the line
     *                         when one is wrong
     */
    public static PriceTable load(Path file) {
        Objects.requireNonNull(file, "file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file", e);
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not valid UTF-8", e);
        } catch (IOException e) {
            throw unreadable(file, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        return parse(file.toString(), lines);
    }

    /**
     * Reads price CSV lines; {@code sourceName} names them in error messages.
     *
     * @throws LedgerException {@code invalid_request} on field {@code prices} as
     *                         {@code <sourceName>:<line>: <what is wrong>}
     */
    public static PriceTable parse(String sourceName, List<String> lines) {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(lines, "lines");
        return new PriceTable(PriceCsv.parse(sourceName, lines));
    }

    /**
     * The price of {@code model}: an {@code exact} entry with its name (ignoring case), else the
     * {@code prefix} entry with the longest id that starts the name (ignoring case). Empty for a null or
     * blank name or when nothing matches.
     */
    public Optional<ModelPrice> find(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String key = key(model);
        ModelPrice match = exact.get(key);
        if (match != null) {
            return Optional.of(match);
        }
        return prefixesLongestFirst.stream().filter(p -> key.startsWith(key(p.id()))).findFirst();
    }

    /**
     * Prices {@code tokens} of {@code model}. A model not in the table (or null) is never free: it is priced
     * at the highest rate of each kind in the table, under id {@code unknown}, and marked estimated.
     */
    public PricedCost price(String model, TokenCounts tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return find(model)
                .map(p -> new PricedCost(p.cost(tokens), p, false))
                .orElseGet(() -> new PricedCost(unknown.cost(tokens), unknown, true));
    }

    /** The price applied to models not in the table: the highest rate of each kind. */
    public ModelPrice unknownPrice() {
        return unknown;
    }

    /** All entries in file order. */
    public List<ModelPrice> entries() {
        return entries;
    }

    private long max(ToLongFunction<ModelPrice> rate) {
        return entries.stream().mapToLong(rate).max().orElseThrow();
    }

    private static String key(String model) {
        return model.strip().toLowerCase(Locale.ROOT);
    }

    private static LedgerException unreadable(Path file, String what, IOException cause) {
        return new LedgerException(ErrorCode.INVALID_REQUEST, "prices: " + file + ": " + what,
                Map.of("field", "prices"), cause);
    }

    private static final class Bundled {
        static final PriceTable TABLE = read();

        private Bundled() {
        }

        private static PriceTable read() {
            InputStream in = PriceTable.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + RESOURCE);
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return parse(RESOURCE, reader.lines().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
