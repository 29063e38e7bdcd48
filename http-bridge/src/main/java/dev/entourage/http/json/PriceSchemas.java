package dev.entourage.http.json;

import static dev.entourage.http.json.SchemaNodes.bool;
import static dev.entourage.http.json.SchemaNodes.count;
import static dev.entourage.http.json.SchemaNodes.dollars;
import static dev.entourage.http.json.SchemaNodes.nullable;
import static dev.entourage.http.json.SchemaNodes.object;
import static dev.entourage.http.json.SchemaNodes.string;
import static dev.entourage.http.json.SchemaNodes.time;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON Schemas of {@link PriceJson}'s shapes; {@link WireSchemas} publishes them. Fresh nodes each call. */
public final class PriceSchemas {
    private PriceSchemas() {
    }

    /** {@link PriceJson#reload}. */
    public static ObjectNode reload() {
        return object()
                .field("version", string())
                .field("rows", count())
                .field("file", string())
                .field("loaded_at", time())
                .build();
    }

    /** {@link PriceJson#price}. */
    public static ObjectNode price() {
        return object()
                .field("model", string())
                .field("row", nullable(string()))
                .field("rule", nullable(string()))
                .field("unpriced", bool())
                .field("table_version", nullable(string()))
                .field("input_usd_per_mtok", dollars())
                .field("output_usd_per_mtok", dollars())
                .field("cache_write_5m_usd_per_mtok", dollars())
                .field("cache_write_1h_usd_per_mtok", dollars())
                .field("cache_read_usd_per_mtok", dollars())
                .build();
    }
}
