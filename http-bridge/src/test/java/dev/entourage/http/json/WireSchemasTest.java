package dev.entourage.http.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.entourage.ledger.Action;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.CostSource;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.HoldStatus;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.ScopeBudget;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.Violation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schemas list every domain enum value, and what the encoders ({@link LedgerJson}, {@link ReportJson}) write
 * conforms to them.
 */
class WireSchemasTest {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Instant NOW = Instant.parse("2026-11-28T17:00:00Z");
    private static final LedgerJson JSON = new LedgerJson(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final ReportJson REPORTS = new ReportJson(Clock.fixed(NOW, ZoneOffset.UTC));

    private static List<String> errors(ObjectNode schema, JsonNode value) {
        return REGISTRY.getSchema(schema).validate(value).stream().map(Error::toString).toList();
    }

    private static List<String> enumOf(JsonNode schema) {
        assertThat(schema.path("enum").isArray()).as("an enum: " + schema).isTrue();
        return java.util.stream.StreamSupport.stream(schema.path("enum").spliterator(), false)
                .map(n -> n.isNull() ? null : n.asText()).toList();
    }

    @Test
    void enumFieldsListEveryWireNameOfTheirDomainEnum() {
        JsonNode usage = SessionSchemas.usage().path("properties");
        JsonNode violation = SessionSchemas.violation().path("properties");
        List<String> scopes = Arrays.stream(Scope.values()).map(Scope::wireName).toList();
        assertThat(scopes).contains("runaway");
        assertThat(enumOf(violation.path("scope"))).containsExactlyElementsOf(scopes);
        assertThat(enumOf(usage.path("stop_reason"))).containsAll(scopes).containsNull().hasSize(scopes.size() + 1);
        assertThat(enumOf(usage.path("session").path("properties").path("status")))
                .containsExactlyElementsOf(Arrays.stream(SessionStatus.values()).map(SessionStatus::wireName).toList());
        assertThat(enumOf(usage.path("cost_source")))
                .containsExactlyElementsOf(Arrays.stream(CostSource.values()).map(CostSource::wireName).toList());
        assertThat(enumOf(usage.path("action")))
                .containsExactlyElementsOf(Arrays.stream(Action.values()).map(Action::wireName).toList());
        assertThat(enumOf(usage.path("hold_status"))).containsNull()
                .containsAll(Arrays.stream(HoldStatus.values()).map(HoldStatus::wireName).toList());
        assertThat(enumOf(SessionSchemas.errorBody().path("properties").path("code")))
                .containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).toList());
    }

    @Test
    void aBudgetViolatingEveryScopeConformsAndAnUnknownScopeDoesNot() {
        List<Violation> violations = Arrays.stream(Scope.values())
                .map(scope -> new Violation(scope, scope == Scope.PAUSED ? null : 1_000_000L, 2_000_000L,
                        scope == Scope.TASK ? null : NOW))
                .toList();
        Budget budget = budget(3L, 5L, violations);
        ObjectNode encoded = JSON.budget(budget);
        assertThat(errors(SessionSchemas.budget(), encoded)).isEmpty();

        ((ObjectNode) encoded.withArray("violations").get(0)).put("scope", "bogus");
        assertThat(errors(SessionSchemas.budget(), encoded)).isNotEmpty();
    }

    /** A budget of agent 1 with every limited scope at $1.00 spent of $2.00 (task and session when given). */
    private static Budget budget(Long taskId, Long sessionId, List<Violation> violations) {
        List<ScopeBudget> scopes = Scope.limitedScopes().stream().map(scope -> {
            boolean applies = switch (scope.rule().subject()) {
                case TASK -> taskId != null;
                case SESSION -> sessionId != null;
                default -> true;
            };
            return applies ? new ScopeBudget(scope, 2_000_000L, 1_000_000L, 0L, null)
                    : new ScopeBudget(scope, null, null, null, null);
        }).toList();
        return new Budget(1, taskId, sessionId, scopes, violations, NOW);
    }

    @Test
    void anExtraFieldOrAMissingOneIsRejected() {
        Budget budget = budget(null, null, List.of());
        ObjectNode extra = JSON.budget(budget).put("surprise", 1);
        assertThat(errors(SessionSchemas.budget(), extra)).isNotEmpty();
        ObjectNode missing = JSON.budget(budget);
        missing.remove("daily_limit_usd");
        assertThat(errors(SessionSchemas.budget(), missing)).isNotEmpty();
    }

    @Test
    void aCostReportConforms() {
        LocalDate day = LocalDate.of(2026, 11, 28);
        CostReport report = new CostReport(1, day, day, 1_750_000, 11, 6,
                List.of(new CostReport.SessionCost(7, "eng-1", 3L, "Fix", "m", 1_500_000, 10, 5, 15, 2),
                        new CostReport.SessionCost(8, "eng-2", null, null, null, 250_000, 1, 1, 2, 0)),
                List.of(new CostReport.CostGroup("eng-1", 1L, 1_750_000, 11, 6, 2)),
                List.of(new CostReport.CostGroup("m", null, 1_750_000, 11, 6, 2)),
                List.of(new CostReport.CostGroup("Fix", 3L, 1_500_000, 10, 5, 1),
                        new CostReport.CostGroup("(no task)", null, 250_000, 1, 1, 1)),
                List.of(new CostReport.DayCost(day, 1_750_000, 11, 6, 2)), 3, "Yzo1MDAwOjg");
        assertThat(errors(ReportSchemas.costs(), REPORTS.costs(report))).isEmpty();
    }

    @Test
    void everyErrorCodeConformsWithItsDetails() {
        for (ErrorCode code : ErrorCode.values()) {
            ObjectNode encoded = JSON.error(new LedgerException(code, "message", Map.of("field", "input_tokens"), null));
            assertThat(errors(SessionSchemas.error(), encoded)).as(code.wireName()).isEmpty();
            assertThat(errors(SessionSchemas.errorBody(), encoded.get("error"))).as(code.wireName()).isEmpty();
        }
    }

    @Test
    void theHelloEventConforms() {
        assertThat(errors(ReportSchemas.events().get("hello"), REPORTS.hello(1))).isEmpty();
    }
}
