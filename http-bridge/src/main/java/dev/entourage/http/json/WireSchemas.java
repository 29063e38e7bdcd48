package dev.entourage.http.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The index of the published JSON Schemas (draft 2020-12): every wire shape by name, as {@code docs/schemas/*.json}
 * holds it. The schemas themselves sit beside their encoders' resources: {@link SessionSchemas} (for
 * {@link LedgerJson}), {@link SettingsSchemas} (for {@link SettingsJson}) and {@link ReportSchemas} (for
 * {@link ReportJson}), each field for field as its encoder writes it. Every enum-valued field lists the wire names
 * of its domain enum, so a new enum value reaches the schemas (and the MCP tools' output schemas) by itself.
 */
public final class WireSchemas {
    /** The dialect every published schema names in {@code $schema}. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private WireSchemas() {
    }

    /**
     * Every published schema by its name (the file {@code docs/schemas/NAME.json}), each with {@code $schema} and
     * a {@code title}; events are named {@code event_NAME}.
     */
    public static Map<String, ObjectNode> published() {
        Map<String, ObjectNode> shapes = new LinkedHashMap<>();
        shapes.put("session", SessionSchemas.session());
        shapes.put("session_list", SessionSchemas.sessionList());
        shapes.put("session_start", SessionSchemas.sessionStart());
        shapes.put("budget", SessionSchemas.budget());
        shapes.put("budget_with_hold", SessionSchemas.budgetWithHold());
        shapes.put("check_budget", SessionSchemas.checkBudgetAnswer());
        shapes.put("violation", SessionSchemas.violation());
        shapes.put("usage", SessionSchemas.usage());
        shapes.put("hold", SessionSchemas.hold());
        shapes.put("reservation", SessionSchemas.reservation());
        shapes.put("team", SettingsSchemas.team());
        shapes.put("agent", SettingsSchemas.agent());
        shapes.put("task", SettingsSchemas.task());
        shapes.put("task_spend", SettingsSchemas.taskSpend());
        shapes.put("task_list", SettingsSchemas.taskList());
        shapes.put("alert", SettingsSchemas.alert());
        shapes.put("alert_list", SettingsSchemas.alertList());
        shapes.put("alert_webhook", SettingsSchemas.alertWebhook());
        shapes.put("costs", ReportSchemas.costs());
        shapes.put("dashboard", ReportSchemas.dashboard());
        shapes.put("spend", ReportSchemas.spend());
        shapes.put("session_usage", ReportSchemas.sessionUsage());
        shapes.put("price", PriceSchemas.price());
        shapes.put("price_reload", PriceSchemas.reload());
        shapes.put("error", SessionSchemas.error());
        shapes.put("error_body", SessionSchemas.errorBody());
        ReportSchemas.events().forEach((name, schema) -> shapes.put("event_" + name, schema));
        Map<String, ObjectNode> published = new LinkedHashMap<>();
        shapes.forEach((name, schema) -> {
            ObjectNode node = schema.objectNode();
            node.put("$schema", DIALECT);
            node.put("title", name);
            node.setAll(schema);
            published.put(name, node);
        });
        return Collections.unmodifiableMap(published);
    }
}
