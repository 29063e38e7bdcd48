package dev.entourage.http.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.Action;
import dev.entourage.ledger.HoldStatus;
import dev.entourage.ledger.Scope;
import java.util.Objects;
import java.util.function.Function;

/**
 * Building blocks of JSON Schema (draft 2020-12) nodes for {@link SessionSchemas}, {@link SettingsSchemas} and
 * {@link ReportSchemas}: scalar types, nullable variants, enums generated from domain enums (and the few domain
 * enums several shapes share), arrays, and closed objects whose fields are all required unless said otherwise.
 */
final class SchemaNodes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaNodes() {
    }

    static ObjectNode integer() {
        return type("integer");
    }

    /** A positive integer id. */
    static ObjectNode id() {
        return integer().put("minimum", 1);
    }

    /** A count that is never negative: tokens, minutes, sessions. */
    static ObjectNode count() {
        return integer().put("minimum", 0);
    }

    /** Dollars (up to six decimals, never negative). */
    static ObjectNode dollars() {
        return type("number").put("minimum", 0);
    }

    static ObjectNode string() {
        return type("string");
    }

    static ObjectNode bool() {
        return type("boolean");
    }

    /** An ISO-8601 UTC instant, e.g. {@code 2026-11-28T17:00:00Z}. */
    static ObjectNode time() {
        return string().put("format", "date-time");
    }

    /** A calendar day, e.g. {@code 2026-11-28}. */
    static ObjectNode date() {
        return string().put("format", "date");
    }

    /** A string whose values are the wire names of {@code values}, in declaration order. */
    static <E extends Enum<E>> ObjectNode enumOf(E[] values, Function<E, String> wireName) {
        ObjectNode node = string();
        ArrayNode names = node.putArray("enum");
        for (E value : values) {
            names.add(wireName.apply(value));
        }
        return node;
    }

    /** A string that is exactly {@code value}. */
    static ObjectNode constant(String value) {
        return string().put("const", value);
    }

    /** {@code schema}, or {@code null}: the type gains {@code "null"}, and an enum gains a {@code null} member. */
    static ObjectNode nullable(ObjectNode schema) {
        ObjectNode node = schema.deepCopy();
        String type = Objects.requireNonNull(schema.path("type").textValue(), "a nullable schema needs one type");
        node.putArray("type").add(type).add("null");
        if (node.has("enum")) {
            ((ArrayNode) node.get("enum")).addNull();
        }
        return node;
    }

    static ObjectNode array(ObjectNode items) {
        ObjectNode node = type("array");
        node.set("items", items);
        return node;
    }

    /** An object with any keys, each holding {@code values}. */
    static ObjectNode map(ObjectNode values) {
        ObjectNode node = type("object");
        node.set("additionalProperties", values);
        return node;
    }

    /** An object with any content. */
    static ObjectNode anyObject() {
        return type("object");
    }

    /** A {@link Scope}'s wire name: which limit a budget line, violation or alert is about. */
    static ObjectNode scope() {
        return enumOf(Scope.values(), Scope::wireName);
    }

    /** Why an agent was told to stop: a {@link Scope}'s wire name, or null. */
    static ObjectNode stopReason() {
        return nullable(scope());
    }

    /** What an agent is told to do next: an {@link Action}'s wire name. */
    static ObjectNode action() {
        return enumOf(Action.values(), Action::wireName);
    }

    /** Where a budget hold stands: a {@link HoldStatus}'s wire name. */
    static ObjectNode holdStatus() {
        return enumOf(HoldStatus.values(), HoldStatus::wireName);
    }

    static Shape object() {
        return new Shape();
    }

    private static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }

    /** A closed object: only the fields named here, in this order; {@link #field} ones required. */
    static final class Shape {
        private final ObjectNode properties = NODES.objectNode();
        private final ArrayNode required = NODES.arrayNode();

        /** A field the encoder always writes (its value may still be null if {@code schema} allows it). */
        Shape field(String name, ObjectNode schema) {
            properties.set(name, schema);
            required.add(name);
            return this;
        }

        /** A field the encoder writes only in some answers. */
        Shape optional(String name, ObjectNode schema) {
            properties.set(name, schema);
            return this;
        }

        /** Every field of {@code other}, with its requiredness. */
        Shape fields(ObjectNode other) {
            other.get("properties").properties().forEach(e -> properties.set(e.getKey(), e.getValue().deepCopy()));
            other.get("required").forEach(name -> required.add(name.textValue()));
            return this;
        }

        ObjectNode build() {
            ObjectNode node = type("object");
            node.set("properties", properties.deepCopy());
            node.set("required", required.deepCopy());
            node.put("additionalProperties", false);
            return node;
        }
    }
}
