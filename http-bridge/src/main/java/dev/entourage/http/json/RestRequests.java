package dev.entourage.http.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.access.Role;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the bodies of the REST routes beyond the four tools' (settings, agents, tasks, kills, login, keys),
 * as strictly as {@link LedgerRequests}: unknown fields, wrong types and bad amounts are refused naming the
 * field. In settings patches an absent field stays as it is and {@code null} removes a limit.
 */
public final class RestRequests {
    /** The largest daily limit accepted for a team or an agent: $1,000,000. */
    public static final long MAX_LIMIT_MICROS = Money.MAX_REPORTED_MICROS * 100;

    private RestRequests() {
    }

    /**
     * {@code PATCH /settings/teams/{team_id}}: daily_cost_limit_usd, timezone, paused, task_type_budgets_usd,
     * alert_webhook_url (null: none), alert_thresholds (percentages; null: the default 80 and 100; [] : no alerts),
     * max_session_cost_per_minute_usd (null: no runaway guard), weekly_limit_usd, monthly_limit_usd,
     * max_session_cost_usd, task_type_max_session_cost_usd, default_agent_daily_limit_usd,
     * default_agent_weekly_limit_usd, default_agent_monthly_limit_usd (what agents the team creates get; null: none),
     * strict_agents (refuse unknown agents instead of creating them), max_repeated_tool_calls (the loop guard's N,
     * 2 to 1000; null: off), refuse_unpriced_models (refuse work on models without a price).
     */
    public static TeamSettings teamSettings(JsonNode body) {
        Set<String> allowed = Set.of("daily_cost_limit_usd", "timezone", "paused", "task_type_budgets_usd",
                "alert_webhook_url", "alert_thresholds", "max_session_cost_per_minute_usd", "weekly_limit_usd",
                "monthly_limit_usd", "max_session_cost_usd", "task_type_max_session_cost_usd",
                "default_agent_daily_limit_usd", "default_agent_weekly_limit_usd", "default_agent_monthly_limit_usd",
                "strict_agents", "max_repeated_tool_calls", "refuse_unpriced_models");
        Fields fields = Fields.of(body, allowed);
        Change<Long> limit = limit(body, fields, "daily_cost_limit_usd");
        Change<ZoneId> zone = Change.keep();
        if (has(body, "timezone")) {
            zone = Change.to(zone(fields.optionalString("timezone")));
        }
        Change<String> webhook = has(body, "alert_webhook_url")
                ? Change.to(fields.optionalString("alert_webhook_url")) : Change.keep();
        Change<Long> rate = has(body, "max_session_cost_per_minute_usd")
                ? Change.to(fields.optionalDollars("max_session_cost_per_minute_usd", Money.MAX_REPORTED_MICROS))
                : Change.keep();
        return new TeamSettings(limit, zone, flag(body, fields, "paused"), byTaskType(body, "task_type_budgets_usd"),
                thresholds(body), webhook, rate)
                .withWindows(limit(body, fields, "weekly_limit_usd"), limit(body, fields, "monthly_limit_usd"))
                .withSessionCaps(limit(body, fields, "max_session_cost_usd"),
                        byTaskType(body, "task_type_max_session_cost_usd"))
                .withAgentDefaults(limit(body, fields, "default_agent_daily_limit_usd"),
                        limit(body, fields, "default_agent_weekly_limit_usd"),
                        limit(body, fields, "default_agent_monthly_limit_usd"), flag(body, fields, "strict_agents"))
                .withMaxRepeatedToolCalls(has(body, "max_repeated_tool_calls") ? Change.to(repeats(fields))
                        : Change.keep())
                .withRefuseUnpricedModels(flag(body, fields, "refuse_unpriced_models"));
    }

    private static Integer repeats(Fields fields) {
        Long n = fields.optionalLong("max_repeated_tool_calls", 2, 1000);
        return n == null ? null : n.intValue();
    }

    private static Change<List<Integer>> thresholds(JsonNode body) {
        String field = "alert_thresholds";
        if (!has(body, field)) {
            return Change.keep();
        }
        JsonNode node = body.get(field);
        if (node.isNull()) {
            return Change.to(null);
        }
        String problem = "must be an array of whole percentages from 1 to 1000, e.g. [80, 100]";
        if (!node.isArray() || node.size() > 20) {
            throw LedgerException.invalid(field, problem);
        }
        List<Integer> values = new java.util.ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isIntegralNumber() || !element.canConvertToInt() || element.intValue() < 1
                    || element.intValue() > 1000) {
                throw LedgerException.invalid(field, problem);
            }
            values.add(element.intValue());
        }
        return Change.to(values);
    }

    /** {@code PATCH /settings/agents/{agent_id}}: daily_limit_usd, weekly_limit_usd, monthly_limit_usd, paused. */
    public static AgentSettings agentSettings(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("daily_limit_usd", "weekly_limit_usd", "monthly_limit_usd", "paused"));
        return limits(body, fields, flag(body, fields, "paused"));
    }

    private static AgentSettings limits(JsonNode body, Fields fields, Change<Boolean> paused) {
        return new AgentSettings(limit(body, fields, "daily_limit_usd"), paused)
                .withWindows(limit(body, fields, "weekly_limit_usd"), limit(body, fields, "monthly_limit_usd"));
    }

    /** A new agent: its name and limits. */
    public record NewAgent(String name, AgentSettings settings) {
    }

    /** {@code POST /teams/{team_id}/agents}: name (required), daily_limit_usd, weekly_limit_usd, monthly_limit_usd. */
    public static NewAgent newAgent(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("name", "daily_limit_usd", "weekly_limit_usd", "monthly_limit_usd"));
        return new NewAgent(required(fields, "name"), limits(body, fields, Change.keep()));
    }

    /** {@code POST /teams/{team_id}/tasks}: title (required), priority, task_type, tags, budget_usd. */
    public static NewTask newTask(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("title", "priority", "task_type", "tags", "budget_usd"));
        return new NewTask(required(fields, "title"), fields.optionalString("priority"),
                fields.optionalString("task_type"), fields.stringList("tags"),
                fields.optionalDollars("budget_usd", Money.MAX_REPORTED_MICROS));
    }

    /** {@code POST /sessions/{session_id}/kill}: the reason, or null. */
    public static String killReason(JsonNode body) {
        return Fields.of(body, Set.of("reason")).optionalString("reason");
    }

    /** An email and a password to log in with. */
    public record Login(String email, String password) {
        @Override
        public String toString() {
            return "Login[email=" + email + ", password=<hidden>]";
        }
    }

    /** {@code POST /auth/login}: email and password, both required. */
    public static Login login(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("email", "password"));
        String email = required(fields, "email");
        String password = fields.optionalString("password");
        if (password == null || password.isEmpty()) {
            throw LedgerException.invalid("password", "is required");
        }
        return new Login(email, password);
    }

    /** A key to create: its role, the agent an agent key acts for, and a label. */
    public record NewKey(Role role, String agent, String name) {
    }

    /** {@code POST /auth/keys}: role (required: agent, admin or viewer), agent, name. */
    public static NewKey newKey(JsonNode body) {
        Fields fields = Fields.of(body, Set.of("role", "agent", "name"));
        return new NewKey(Role.fromWire("role", required(fields, "role")), fields.optionalString("agent"),
                fields.optionalString("name"));
    }

    private static boolean has(JsonNode body, String field) {
        return body != null && body.isObject() && body.has(field);
    }

    private static String required(Fields fields, String field) {
        String value = fields.optionalString(field);
        if (value == null || value.isBlank()) {
            throw LedgerException.invalid(field, "is required");
        }
        return value;
    }

    private static Change<Long> limit(JsonNode body, Fields fields, String field) {
        if (!has(body, field)) {
            return Change.keep();
        }
        return Change.to(fields.optionalDollars(field, MAX_LIMIT_MICROS));
    }

    private static Change<Boolean> flag(JsonNode body, Fields fields, String field) {
        if (!has(body, field)) {
            return Change.keep();
        }
        Boolean value = fields.optionalBoolean(field);
        if (value == null) {
            throw LedgerException.invalid(field, "must be true or false, not null");
        }
        return Change.to(value);
    }

    private static ZoneId zone(String name) {
        if (name == null || name.isBlank()) {
            throw LedgerException.invalid("timezone", "must be an IANA time zone such as Europe/Berlin");
        }
        try {
            return ZoneId.of(name.strip());
        } catch (DateTimeException e) {
            throw LedgerException.invalid("timezone", "'" + printable(name) + "' is not an IANA time zone such as "
                    + "Europe/Berlin or America/New_York");
        }
    }

    private static Change<Map<String, Long>> byTaskType(JsonNode body, String field) {
        if (!has(body, field)) {
            return Change.keep();
        }
        JsonNode node = body.get(field);
        if (node.isNull()) {
            return Change.to(Map.of());
        }
        if (!node.isObject()) {
            throw LedgerException.invalid(field, "must be an object of task type to dollars, e.g. {\"bugfix\": 3.00}");
        }
        Map<String, Long> budgets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = field + "." + printable(entry.getKey());
            if (entry.getValue().isNull()) {
                throw LedgerException.invalid(name, "must be an amount in dollars, not null");
            }
            ObjectNode single = JsonNodeFactory.instance.objectNode();
            single.set(name, entry.getValue());
            Fields one = Fields.of(single, Set.of(name));
            budgets.put(entry.getKey(), one.optionalDollars(name, Money.MAX_REPORTED_MICROS));
        }
        return Change.to(budgets);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return out.toString();
    }
}
