package dev.entourage.ledger;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The checks of settings values, each failure naming its wire field. */
final class SettingsChecks {
    /** The highest alert threshold accepted, in percent. */
    static final int MAX_ALERT_THRESHOLD = 1000;

    private SettingsChecks() {
    }

    /** The checked forms of the team settings that are normalised on the way in. */
    record Checked(Change<List<Integer>> thresholds, Change<String> webhook) {
    }

    static Checked team(TeamSettings settings) {
        if (settings.zone().present() && settings.zone().value() == null) {
            throw LedgerException.invalid("timezone", "must be an IANA time zone such as Europe/Berlin");
        }
        limit("daily_cost_limit_usd", settings.dailyLimitMicros());
        limit("weekly_limit_usd", settings.weeklyLimitMicros());
        limit("monthly_limit_usd", settings.monthlyLimitMicros());
        limit("max_session_cost_usd", settings.maxSessionCostMicros());
        limit("max_session_cost_per_minute_usd", settings.maxSessionRateMicros());
        limit("default_agent_daily_limit_usd", settings.defaultAgentDailyMicros());
        limit("default_agent_weekly_limit_usd", settings.defaultAgentWeeklyMicros());
        limit("default_agent_monthly_limit_usd", settings.defaultAgentMonthlyMicros());
        Change<Integer> repeats = settings.maxRepeatedToolCalls();
        if (repeats.present() && repeats.value() != null && (repeats.value() < 2 || repeats.value() > 1000)) {
            throw LedgerException.invalid("max_repeated_tool_calls", "must be a whole number from 2 to 1000, or null "
                    + "to turn the loop guard off");
        }
        byType("task_type_budgets_usd", settings.taskTypeBudgets());
        byType("task_type_max_session_cost_usd", settings.taskTypeSessionBudgets());
        Change<List<Integer>> thresholds = settings.alertThresholds().present()
                ? Change.to(thresholds(settings.alertThresholds().value())) : Change.keep();
        Change<String> webhook = settings.alertWebhookUrl().present()
                ? Change.to(webhookUrl(settings.alertWebhookUrl().value())) : Change.keep();
        return new Checked(thresholds, webhook);
    }

    static void agent(AgentSettings settings) {
        limit("daily_limit_usd", settings.dailyLimitMicros());
        limit("weekly_limit_usd", settings.weeklyLimitMicros());
        limit("monthly_limit_usd", settings.monthlyLimitMicros());
    }

    private static void byType(String field, Change<Map<String, Long>> budgets) {
        Map<String, Long> given = Objects.requireNonNullElse(budgets.or(Map.of()), Map.of());
        given.keySet().forEach(type -> Text.name(field, type));
        given.values().forEach(v -> limit(field, Change.to(v)));
    }

    private static void limit(String field, Change<Long> limit) {
        if (limit.present() && limit.value() != null && limit.value() < 0) {
            throw LedgerException.invalid(field, "must not be negative");
        }
    }

    private static List<Integer> thresholds(List<Integer> given) {
        if (given == null) {
            return Team.DEFAULT_ALERT_THRESHOLDS;
        }
        for (Integer t : given) {
            if (t == null || t < 1 || t > MAX_ALERT_THRESHOLD) {
                throw LedgerException.invalid("alert_thresholds", "must be whole percentages from 1 to "
                        + MAX_ALERT_THRESHOLD + ", e.g. [80, 100]");
            }
        }
        if (given.size() > 20) {
            throw LedgerException.invalid("alert_thresholds", "must have at most 20 percentages");
        }
        return given.stream().distinct().sorted().toList();
    }

    private static String webhookUrl(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String url = given.strip();
        String problem = "must be an http or https URL such as https://hooks.slack.com/services/…, or null";
        if (url.length() > 2000) {
            throw LedgerException.invalid("alert_webhook_url", problem);
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getHost().isEmpty()) {
                throw LedgerException.invalid("alert_webhook_url", problem);
            }
        } catch (URISyntaxException e) {
            throw LedgerException.invalid("alert_webhook_url", problem);
        }
        return url;
    }
}
