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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * An immutable table of model prices: every version of every row, with the provider facts to apply them.
 *
 * <p>Two file formats are read. The versioned format ({@code @format entourage-prices/2}, the bundled
 * {@code prices.csv}, whose header comments describe it) has effective dates, long-context tiers, multipliers,
 * per-provider defaults and a source per row. The old CSV format, with the header
 * {@code model,match,input,output,cache_write_5m,cache_write_1h,cache_read}, is still read for users' files.
 *
 * <p>Pricing: see {@link #price(PriceRequest)}. Money is integer micro-dollars per million tokens; costs are
 * rounded half-up to whole micro-dollars, with no floating point.
 */
public final class PriceTable {
    static final String RESOURCE = "/dev/entourage/ledger/pricing/prices.csv";
    static final String UNKNOWN_ID = "unknown";

    private final PriceBook book;
    private final List<List<PriceRow>> series;
    private final PriceMatcher matcher;
    private final List<ModelPrice> entries;
    private final ModelPrice unknown;
    private final Set<String> geos;

    private PriceTable(String source, PriceBook book) {
        List<PriceRow> rows = new ArrayList<>();
        for (PriceRow row : book.rows()) {
            String provider = row.provider().isEmpty() ? PriceMatcher.provider(book.providerPrefixes(), row.id()) : null;
            rows.add(provider == null ? row : row.withProvider(provider));
        }
        this.book = new PriceBook(book.version(), book.checkedAt(), rows, book.providerPrefixes(),
                book.providerModifiers(), book.unknown());
        this.series = PriceRules.series(source, rows);
        this.matcher = new PriceMatcher(series);
        for (PriceRow row : rows) {
            PriceRules.checkMultiplied(source, row, PricingMath.modifiers(this.book, row));
        }
        this.entries = rows.stream().map(PriceRow::rates).toList();
        ModelPrice fallback = book.unknown().get(PriceBook.ANY_PROVIDER);
        this.geos = geos(this.book);
        this.unknown = fallback != null ? rename(fallback) : new ModelPrice(UNKNOWN_ID, false,
                max(ModelPrice::inputPerMtok), max(ModelPrice::outputPerMtok),
                max(ModelPrice::cacheWrite5mPerMtok), max(ModelPrice::cacheWrite1hPerMtok),
                max(ModelPrice::cacheReadPerMtok));
    }

    /** The table shipped with Entourage, read once from the classpath. */
    public static PriceTable bundled() {
        return Bundled.TABLE;
    }

    /**
     * Reads a price file in either format on its own: it replaces the bundled table. See {@link #layered(Path)}
     * for what {@code --prices FILE} does.
     *
     * @throws LedgerException {@code invalid_request} on field {@code prices} naming the file, and the line
     *                         when one is wrong
     */
    public static PriceTable load(Path file) {
        Objects.requireNonNull(file, "file");
        return new PriceTable(file.toString(), book(file.toString(), read(file)));
    }

    /**
     * The bundled table with {@code file} layered on top ({@link PriceBook#layer}): the file's rows replace the
     * bundled rows with the same id and add the others. This is what {@code --prices FILE} means.
     */
    public static PriceTable layered(Path file) {
        Objects.requireNonNull(file, "file");
        return bundled().layer(file.toString(), book(file.toString(), read(file)));
    }

    /**
     * Reads price lines in either format; {@code sourceName} names them in error messages.
     *
     * @throws LedgerException {@code invalid_request} on field {@code prices} as
     *                         {@code <sourceName>:<line>: <what is wrong>}
     */
    public static PriceTable parse(String sourceName, List<String> lines) {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(lines, "lines");
        return new PriceTable(sourceName, book(sourceName, lines));
    }

    /** Reads price lines in either format into a book, without making a table of them. */
    public static PriceBook book(String sourceName, List<String> lines) {
        if (PriceFile.isVersioned(lines)) {
            return PriceFile.parse(sourceName, lines);
        }
        List<PriceRow> rows = PriceCsv.parse(sourceName, lines).stream().map(p -> new PriceRow(List.of(
                p.id().strip().toLowerCase(java.util.Locale.ROOT)), p.prefix() ? PriceRow.Match.PREFIX
                : PriceRow.Match.EXACT, "", null, null, p, List.of(), Map.of(), java.util.Set.of(), false,
                sourceName)).toList();
        return new PriceBook(sourceName, null, rows, Map.of(), Map.of(), Map.of());
    }

    /** This table with {@code overlay} on top (see {@link PriceBook#layer}). */
    public PriceTable layer(String sourceName, PriceBook overlay) {
        return new PriceTable(sourceName, book.layer(overlay));
    }

    /**
     * The base rates of {@code model}'s row, in the version in force on the table's {@code checked_at} day: see
     * {@link #price(PriceRequest)} for matching. Empty for a null or blank name or when nothing matches.
     */
    public Optional<ModelPrice> find(String model) {
        return matcher.find(ModelIds.normalise(model).normalised())
                .map(f -> PriceMatcher.version(f.series(), book.checkedAt(), new ArrayList<>()).rates());
    }

    /** {@link #price(PriceRequest)} of a standard request as of the table's {@code checked_at} day. */
    public PricedCost price(String model, TokenCounts tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return price(PriceRequest.of(model, tokens));
    }

    /**
     * Prices one call. The model id is normalised ({@link ModelIds}); it matches a row by exact id, else by family
     * (snapshot suffixes only), else by the longest prefix of an old-format row; the row's version in force on the
     * call's day (UTC) applies. A prompt (input + cache reads + cache writes) above a tier's threshold reprices the
     * whole request at that tier; then the multipliers the call asks for (service tier, speed, inference geography)
     * scale every rate, rounded half-up to whole micro-dollars per million tokens.
     *
     * <p>A model matching no row is never free and never priced at a table-wide maximum: it is {@code unpriced},
     * at the most expensive current row of its family for this request when its family has one, else at its
     * provider's {@code @unknown} default, else at the table's.
     */
    public PricedCost price(PriceRequest request) {
        Objects.requireNonNull(request, "request");
        ModelIds.Normalised id = ModelIds.normalise(request.model());
        LocalDate day = request.at() != null ? request.at().atZone(java.time.ZoneOffset.UTC).toLocalDate()
                : book.checkedAt();
        Optional<PriceMatcher.Found> found = matcher.find(id.normalised());
        if (found.isPresent()) {
            List<String> notes = new ArrayList<>();
            PriceRow row = PriceMatcher.version(found.get().series(), day, notes);
            return PricingMath.cost(book, id, found.get().rule(), row, request, notes, false);
        }
        return estimate(id, day, request);
    }

    private PricedCost estimate(ModelIds.Normalised id, LocalDate day, PriceRequest request) {
        String provider = id.normalised().isEmpty() ? null : PriceMatcher.provider(book.providerPrefixes(),
                id.normalised());
        String family = ModelIds.familyKey(id.normalised());
        PricedCost best = null;
        if (!family.isEmpty()) {
            for (PriceRow row : matcher.current(day)) {
                boolean sameFamily = row.ids().stream().anyMatch(i -> ModelIds.familyKey(i).equals(family));
                if (sameFamily && !row.legacy() && (provider == null || provider.equals(row.provider()))) {
                    PricedCost cost = PricingMath.cost(book, id, PriceExplanation.Rule.FAMILY_ESTIMATE, row, request,
                            new ArrayList<>(List.of("family '" + family + "' has no row for this id")), true);
                    if (best == null || cost.costMicros() > best.costMicros()) {
                        best = cost;
                    }
                }
            }
        }
        if (best != null) {
            return best;
        }
        ModelPrice providerDefault = provider == null ? null : book.unknown().get(provider);
        ModelPrice rates = providerDefault != null ? rename(providerDefault) : unknown;
        PriceExplanation explanation = new PriceExplanation(id, providerDefault != null
                ? PriceExplanation.Rule.PROVIDER_DEFAULT : PriceExplanation.Rule.DEFAULT, null, provider, null,
                List.of(), request.modifierKeys().isEmpty() ? List.of()
                : List.of("multipliers are not applied to the default price"), book.version());
        return new PricedCost(rates.cost(request.tokens()), rates, true, true, explanation);
    }

    /**
     * The inference geographies some row or provider of this table has a multiplier for, e.g. {@code us} for
     * {@code geo.us}.
     */
    public Set<String> inferenceGeos() {
        return geos;
    }

    private static Set<String> geos(PriceBook book) {
        Set<String> geos = new TreeSet<>();
        book.providerModifiers().values().forEach(m -> m.keySet().forEach(k -> addGeo(geos, k)));
        book.rows().forEach(r -> r.modifiers().keySet().forEach(k -> addGeo(geos, k)));
        return Collections.unmodifiableSet(geos);
    }

    private static void addGeo(Set<String> geos, String key) {
        if (key.startsWith("geo.")) {
            geos.add(key.substring("geo.".length()));
        }
    }

    /** The price applied to models of no known family or provider: the table's {@code @unknown *} default. */
    public ModelPrice unknownPrice() {
        return unknown;
    }

    /** The base rates of all rows, every version, in file order. */
    public List<ModelPrice> entries() {
        return entries;
    }

    /** All rows, every version, in file order. */
    public List<PriceRow> rows() {
        return book.rows();
    }

    /** The rows, provider facts and version this table was made of. */
    public PriceBook book() {
        return book;
    }

    private long max(ToLongFunction<ModelPrice> rate) {
        return entries.stream().mapToLong(rate).max().orElse(0);
    }

    private static ModelPrice rename(ModelPrice p) {
        return new ModelPrice(UNKNOWN_ID, false, p.inputPerMtok(), p.outputPerMtok(), p.cacheWrite5mPerMtok(),
                p.cacheWrite1hPerMtok(), p.cacheReadPerMtok());
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file", e);
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not valid UTF-8", e);
        } catch (IOException e) {
            throw unreadable(file, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
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
