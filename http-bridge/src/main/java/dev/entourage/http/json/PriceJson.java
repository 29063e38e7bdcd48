package dev.entourage.http.json;

import static dev.entourage.http.json.WireValues.dollars;
import static dev.entourage.http.json.WireValues.time;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.PriceReload;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PricedCost;
import java.util.Locale;

/** The JSON of the price routes: a reload's answer and the price of one model. Schemas in {@link PriceSchemas}. */
public final class PriceJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PriceJson() {
    }

    /** What a reload put in force: the table's version, its row count, the file's name and when. */
    public static ObjectNode reload(PriceReload r) {
        ObjectNode node = NODES.objectNode();
        node.put("version", r.version());
        node.put("rows", r.rows());
        node.put("file", String.valueOf(r.file().getFileName()));
        node.put("loaded_at", time(r.loadedAt()));
        return node;
    }

    /** The rates {@code model} is priced at now (USD per million tokens), the row and rule that chose them. */
    public static ObjectNode price(String model, PricedCost cost) {
        ModelPrice p = cost.price();
        ObjectNode node = NODES.objectNode();
        node.put("model", model);
        node.put("row", cost.explanation() == null || cost.explanation().row() == null ? null
                : cost.explanation().row().id());
        node.put("rule", cost.explanation() == null ? null
                : cost.explanation().rule().name().toLowerCase(Locale.ROOT));
        node.put("unpriced", cost.unpriced());
        node.put("table_version", cost.explanation() == null ? null : cost.explanation().tableVersion());
        node.put("input_usd_per_mtok", dollars(p.inputPerMtok()));
        node.put("output_usd_per_mtok", dollars(p.outputPerMtok()));
        node.put("cache_write_5m_usd_per_mtok", dollars(p.cacheWrite5mPerMtok()));
        node.put("cache_write_1h_usd_per_mtok", dollars(p.cacheWrite1hPerMtok()));
        node.put("cache_read_usd_per_mtok", dollars(p.cacheReadPerMtok()));
        return node;
    }
}
