package dev.entourage.ledger.pricing;

import dev.entourage.ledger.LedgerException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the versioned price format, {@code entourage-prices/2}, described in {@code prices.csv}: directives
 * ({@code @version}, {@code @checked_at}, {@code @provider}, {@code @modifiers}, {@code @unknown}), then rows
 * under {@link #HEADER}. Files that start with the old header are read by {@link PriceCsv}.
 */
final class PriceFile {
    static final String FORMAT = "entourage-prices/2";
    static final String HEADER = "model,match,provider,from,until,input,output,cache_write_5m,cache_write_1h,"
            + "cache_read,long_context,modifiers,source";
    private static final int COLUMNS = 13;
    private static final Pattern MODIFIER_KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_-]+)?");
    private static final BigDecimal MAX_MULTIPLIER = BigDecimal.valueOf(100);

    private final String source;
    private final Map<String, List<String>> prefixes = new LinkedHashMap<>();
    private final Map<String, Map<String, BigDecimal>> providerModifiers = new LinkedHashMap<>();
    private final Map<String, ModelPrice> unknown = new LinkedHashMap<>();
    private final List<PriceRow> rows = new ArrayList<>();
    private String version;
    private LocalDate checkedAt;

    private PriceFile(String source) {
        this.source = source;
    }

    /** Whether {@code lines} are in this format: the first line that is not blank or a comment names it. */
    static boolean isVersioned(List<String> lines) {
        return lines.stream().map(String::strip).map(l -> l.startsWith("\uFEFF") ? l.substring(1) : l)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                .map(l -> l.startsWith("@format")).orElse(false);
    }

    static PriceBook parse(String source, List<String> lines) {
        PriceFile file = new PriceFile(source);
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            if (!header && line.startsWith("@")) {
                file.directive(lineNo, line);
            } else if (!header) {
                if (!line.equals(HEADER)) {
                    throw PriceCsv.error(source, lineNo, "expected the header '" + HEADER + "'");
                }
                header = true;
            } else {
                file.rows.add(file.row(lineNo, line));
            }
        }
        if (file.version == null) {
            throw LedgerException.invalid("prices", source + ": missing '@version'");
        }
        PriceRules.check(source, file.rows);
        return new PriceBook(file.version, file.checkedAt, file.rows, file.prefixes, file.providerModifiers,
                file.unknown);
    }

    private void directive(int lineNo, String line) {
        String[] words = line.split("\\s+");
        String name = words[0];
        List<String> args = Arrays.asList(words).subList(1, words.length);
        switch (name) {
            case "@format" -> {
                if (args.size() != 1 || !args.get(0).equals(FORMAT)) {
                    throw PriceCsv.error(source, lineNo, "this version reads '@format " + FORMAT + "'");
                }
            }
            case "@version" -> version = single(lineNo, name, args);
            case "@checked_at" -> checkedAt = date(lineNo, "checked_at", single(lineNo, name, args));
            case "@provider" -> prefixes.put(provider(lineNo, args), lower(args.subList(1, args.size())));
            case "@modifiers" -> providerModifiers.put(provider(lineNo, args),
                    modifiers(lineNo, String.join(" ", args.subList(1, args.size())), new HashSet<>(), null));
            case "@unknown" -> {
                if (args.size() != 2) {
                    throw PriceCsv.error(source, lineNo, "expected '@unknown PROVIDER|* in,out,5m,1h,read'");
                }
                String[] r = args.get(1).split(",", -1);
                if (r.length != 5) {
                    throw PriceCsv.error(source, lineNo, "@unknown needs 5 rates");
                }
                unknown.put(args.get(0).toLowerCase(Locale.ROOT), rates(lineNo, "unknown", r));
            }
            default -> throw PriceCsv.error(source, lineNo, "unknown directive '" + name + "'");
        }
    }

    private PriceRow row(int lineNo, String line) {
        String[] c = line.split(",", COLUMNS);
        if (c.length != COLUMNS) {
            throw PriceCsv.error(source, lineNo, "expected " + COLUMNS + " columns but found " + c.length);
        }
        List<String> ids = lower(Arrays.asList(c[0].strip().split("\\|")));
        if (ids.isEmpty() || ids.stream().anyMatch(String::isBlank)) {
            throw PriceCsv.error(source, lineNo, "model must not be blank");
        }
        PriceRow.Match match = match(lineNo, c[1].strip());
        String provider = c[2].strip().toLowerCase(Locale.ROOT);
        LocalDate from = c[3].isBlank() ? null : date(lineNo, "from", c[3].strip());
        LocalDate until = c[4].isBlank() ? null : date(lineNo, "until", c[4].strip());
        if (from != null && until != null && !until.isAfter(from)) {
            throw PriceCsv.error(source, lineNo, "until must be after from");
        }
        ModelPrice base = rates(lineNo, ids.get(0), match, Arrays.copyOfRange(c, 5, 10));
        List<LongContextTier> tiers = tiers(lineNo, ids.get(0), match, c[10].strip());
        Set<String> without = new HashSet<>();
        boolean[] legacy = new boolean[1];
        Map<String, BigDecimal> modifiers = modifiers(lineNo, c[11].strip(), without, legacy);
        return new PriceRow(ids, match, provider, from, until, base, tiers, modifiers, without, legacy[0],
                c[12].strip());
    }

    private PriceRow.Match match(int lineNo, String word) {
        switch (word) {
            case "exact":
                return PriceRow.Match.EXACT;
            case "family":
                return PriceRow.Match.FAMILY;
            case "prefix":
                return PriceRow.Match.PREFIX;
            default:
                throw PriceCsv.error(source, lineNo, "match must be 'exact', 'family' or 'prefix', not '" + word + "'");
        }
    }

    private List<LongContextTier> tiers(int lineNo, String id, PriceRow.Match match, String cell) {
        List<LongContextTier> tiers = new ArrayList<>();
        if (cell.isEmpty()) {
            return tiers;
        }
        long previous = 0;
        for (String tier : cell.split("\\s+")) {
            int eq = tier.indexOf('=');
            if (!tier.startsWith(">") || eq < 0) {
                throw PriceCsv.error(source, lineNo, "long_context '" + tier + "' is not '>TOKENS=in/out/5m/1h/read'");
            }
            long above;
            try {
                above = Long.parseLong(tier.substring(1, eq));
            } catch (NumberFormatException e) {
                throw PriceCsv.error(source, lineNo, "long_context threshold '" + tier.substring(1, eq) + "' is not a number");
            }
            if (above <= previous) {
                throw PriceCsv.error(source, lineNo, "long_context thresholds must be positive and rising");
            }
            String[] r = tier.substring(eq + 1).split("/", -1);
            if (r.length != 5) {
                throw PriceCsv.error(source, lineNo, "long_context '" + tier + "' needs 5 rates");
            }
            tiers.add(new LongContextTier(above, rates(lineNo, id, match, r)));
            previous = above;
        }
        return tiers;
    }

    private Map<String, BigDecimal> modifiers(int lineNo, String cell, Set<String> without, boolean[] legacy) {
        Map<String, BigDecimal> modifiers = new LinkedHashMap<>();
        if (cell.isEmpty()) {
            return modifiers;
        }
        for (String word : cell.split("\\s+")) {
            if (word.equals("legacy") && legacy != null) {
                legacy[0] = true;
                continue;
            }
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            if (eq < 0 || !MODIFIER_KEY.matcher(key).matches()) {
                throw PriceCsv.error(source, lineNo, "modifier '" + word + "' is not 'KEY=MULTIPLIER', 'KEY=none' or 'legacy'");
            }
            String value = word.substring(eq + 1);
            if (value.equals("none")) {
                without.add(key);
                continue;
            }
            BigDecimal multiplier;
            try {
                multiplier = new BigDecimal(value);
            } catch (NumberFormatException e) {
                throw PriceCsv.error(source, lineNo, "modifier " + key + " '" + value + "' is not a decimal");
            }
            if (multiplier.signum() <= 0 || multiplier.compareTo(MAX_MULTIPLIER) > 0 || multiplier.scale() > 6) {
                throw PriceCsv.error(source, lineNo, "modifier " + key + " must be above 0 and at most 100, six decimals");
            }
            modifiers.put(key, multiplier);
        }
        return modifiers;
    }

    private ModelPrice rates(int lineNo, String id, String[] cells) {
        return rates(lineNo, id, PriceRow.Match.EXACT, cells);
    }

    private ModelPrice rates(int lineNo, String id, PriceRow.Match match, String[] cells) {
        return new ModelPrice(id, match != PriceRow.Match.EXACT,
                PriceCsv.rate(source, lineNo, "input", cells[0]),
                PriceCsv.rate(source, lineNo, "output", cells[1]),
                PriceCsv.rate(source, lineNo, "cache_write_5m", cells[2]),
                PriceCsv.rate(source, lineNo, "cache_write_1h", cells[3]),
                PriceCsv.rate(source, lineNo, "cache_read", cells[4]));
    }

    private String provider(int lineNo, List<String> args) {
        if (args.isEmpty()) {
            throw PriceCsv.error(source, lineNo, "expected a provider name");
        }
        return args.get(0).toLowerCase(Locale.ROOT);
    }

    private String single(int lineNo, String name, List<String> args) {
        if (args.size() != 1) {
            throw PriceCsv.error(source, lineNo, name + " takes one value");
        }
        return args.get(0);
    }

    private LocalDate date(int lineNo, String what, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw PriceCsv.error(source, lineNo, what + " '" + text + "' is not a date (YYYY-MM-DD)");
        }
    }

    private static List<String> lower(List<String> words) {
        return words.stream().map(w -> w.strip().toLowerCase(Locale.ROOT)).toList();
    }
}
