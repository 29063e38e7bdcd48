package dev.entourage.ledger.pricing;

import dev.entourage.ledger.LedgerException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the price CSV format described in {@link PriceTable}. */
final class PriceCsv {
    static final String HEADER = "model,match,input,output,cache_write_5m,cache_write_1h,cache_read";

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final BigDecimal MAX_DOLLARS = BigDecimal.valueOf(ModelPrice.MAX_RATE, 6);
    private static final int COLUMNS = 7;

    private PriceCsv() {
    }

    /** The entries of {@code lines} in order; errors name {@code sourceName} and the 1-based line. */
    static List<ModelPrice> parse(String sourceName, List<String> lines) {
        List<ModelPrice> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean headerSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 ? stripBom(lines.get(i)).strip() : lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            if (!headerSeen) {
                if (!line.equals(HEADER)) {
                    throw error(sourceName, lineNo, "expected the header '" + HEADER + "'");
                }
                headerSeen = true;
                continue;
            }
            ModelPrice price = entry(sourceName, lineNo, line);
            if (!seen.add(price.id().toLowerCase(Locale.ROOT) + (price.prefix() ? ",prefix" : ",exact"))) {
                throw error(sourceName, lineNo, "duplicate entry for '" + price.id() + "' ("
                        + (price.prefix() ? "prefix" : "exact") + ")");
            }
            entries.add(price);
        }
        if (entries.isEmpty()) {
            throw LedgerException.invalid("prices", sourceName + ": no price entries");
        }
        return entries;
    }

    private static ModelPrice entry(String source, int lineNo, String line) {
        String[] cells = line.split(",", -1);
        if (cells.length != COLUMNS) {
            throw error(source, lineNo, "expected " + COLUMNS + " columns but found " + cells.length);
        }
        String id = cells[0].strip();
        if (id.isEmpty()) {
            throw error(source, lineNo, "model must not be blank");
        }
        boolean prefix = switch (cells[1].strip()) {
            case "exact" -> false;
            case "prefix" -> true;
            default -> throw error(source, lineNo, "match must be 'exact' or 'prefix', not '" + cells[1].strip() + "'");
        };
        return new ModelPrice(id, prefix,
                rate(source, lineNo, "input", cells[2]),
                rate(source, lineNo, "output", cells[3]),
                rate(source, lineNo, "cache_write_5m", cells[4]),
                rate(source, lineNo, "cache_write_1h", cells[5]),
                rate(source, lineNo, "cache_read", cells[6]));
    }

    static long rate(String source, int lineNo, String column, String cell) {
        String text = cell.strip();
        if (text.startsWith("-")) {
            throw error(source, lineNo, column + " must not be negative");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw error(source, lineNo, column + " '" + text + "' is not a price in USD per million tokens");
        }
        BigDecimal dollars = new BigDecimal(text);
        if (dollars.compareTo(MAX_DOLLARS) > 0) {
            throw error(source, lineNo, column + " must be at most " + MAX_DOLLARS.toPlainString()
                    + " USD per million tokens");
        }
        BigDecimal micros = dollars.movePointRight(6).stripTrailingZeros();
        if (micros.scale() > 0) {
            throw error(source, lineNo, column + " '" + text + "' has more than 6 decimals");
        }
        return micros.longValueExact();
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    static LedgerException error(String source, int lineNo, String what) {
        return LedgerException.invalid("prices", source + ":" + lineNo + ": " + what);
    }
}
