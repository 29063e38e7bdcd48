package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.testing.StoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Models without a price over a real store: {@code cost_source "unpriced"}, the team setting
 * {@code refuse_unpriced_models} (kept across a restart; refusing sessions, reports and holds with nothing written),
 * and a reload of the price file putting a new row in force for the next report.
 */
public abstract class UnpricedModelsContract extends StoreContract {
    private static final TokenCounts MILLION_IN = new TokenCounts(1_000_000, 0, 0, 0, 0);
    private static final String PRICED = "claude-sonnet-4-20250514";
    private static final String UNPRICED = "mystery-model-9";

    private LedgerServices service;
    private Agent agent;

    protected UnpricedModelsContract() {
        super(dev.entourage.ledger.testing.StoreFixture.DEFAULT_START);
    }

    @BeforeEach
    void open() {
        service = fixture.services();
        service.settings().ensureDefaultTeam();
        agent = service.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
    }

    private Team refuse(boolean refuse) {
        return service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME,
                TeamSettings.none().withRefuseUnpricedModels(Change.to(refuse)));
    }

    private Session start(String model) {
        return service.sessions().start(Actor.local(), Ref.id(agent.id()), null, model).session();
    }

    private static LedgerException ledgerError(Runnable call) {
        LedgerException e = catchThrowableOfType(LedgerException.class, call::run);
        assertThat(e).as("expected a LedgerException").isNotNull();
        return e;
    }

    @Test
    void aModelWithoutARowIsUnpricedAndAKnownOneIsPriced() {
        UsageReceipt unpriced = service.usage().report(Actor.local(),
                new UsageReport(start(UNPRICED).id(), MILLION_IN, null, null, "u1"));
        UsageReceipt priced = service.usage().report(Actor.local(),
                new UsageReport(start(PRICED).id(), MILLION_IN, null, null, "p1"));

        assertThat(unpriced.costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(unpriced.costMicros()).isPositive();
        assertThat(priced.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(fixture.cell("SELECT cost_source FROM usage_events WHERE event_id = 'u1'")).isEqualTo("unpriced");
    }

    @Test
    void theSettingIsOffByDefaultAndKeptAcrossARestart() {
        assertThat(service.settings().ensureDefaultTeam().refuseUnpricedModels()).isFalse();
        assertThat(refuse(true).refuseUnpricedModels()).isTrue();

        fixture.reopen();
        service = fixture.services();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).refuseUnpricedModels())
                .isTrue();
        assertThat(service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, TeamSettings.none())
                .refuseUnpricedModels()).as("a patch without it keeps it").isTrue();
    }

    @Test
    void aRefusingTeamRefusesASessionOnAnUnpricedModelWritingNothing() {
        refuse(true);
        long sessions = fixture.rows("sessions");

        LedgerException e = ledgerError(() -> start(UNPRICED));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "model");
        assertThat(e.getMessage()).contains(UNPRICED).contains("refuse_unpriced_models");
        assertThat(fixture.rows("sessions")).isEqualTo(sessions);
        assertThat(start(PRICED).model()).isEqualTo(PRICED);
    }

    @Test
    void aRefusingTeamRefusesAnUnpricedReportButTakesAReportedCost() {
        Session open = start(null);
        refuse(true);

        LedgerException e = ledgerError(() -> service.usage().report(Actor.local(),
                new UsageReport(open.id(), MILLION_IN, null, UNPRICED, "x1")));
        LedgerException unnamed = ledgerError(() -> service.usage().report(Actor.local(),
                new UsageReport(open.id(), MILLION_IN, null, null, "x2")));

        assertThat(e.details()).containsEntry("field", "model");
        assertThat(unnamed.details()).containsEntry("field", "model");
        assertThat(fixture.rows("usage_events")).isZero();
        assertThat(service.sessions().get(Actor.local(), open.id()).totals().costMicros()).isZero();
        UsageReceipt reported = service.usage().report(Actor.local(),
                new UsageReport(open.id(), MILLION_IN, 7_000L, UNPRICED, "x3"));
        assertThat(reported.costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(service.usage().report(Actor.local(), new UsageReport(open.id(), MILLION_IN, null, PRICED, "x4"))
                .costSource()).isEqualTo(CostSource.PRICED);
    }

    @Test
    void aRefusingTeamRefusesAHoldForAnUnpricedModelWritingNothing() {
        Session open = start(null);
        refuse(true);

        LedgerException e = ledgerError(() -> service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null,
                open.id(), 10_000L, UNPRICED));

        assertThat(e.details()).containsEntry("field", "model");
        assertThat(fixture.rows("budget_holds")).isZero();
        assertThat(service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, open.id(), 10_000L, PRICED)
                .hold().amountMicros()).isEqualTo(10_000L);
        refuse(false);
        assertThat(service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, open.id(), 10_000L, UNPRICED)
                .hold().amountMicros()).isEqualTo(10_000L);
    }

    @Test
    void aReloadedPriceFilePricesTheNextReportByItsNewRowAndABadFileKeepsTheOld() throws IOException {
        Path file = fixture.dir().resolve("prices.csv");
        Files.write(file, List.of("model,match,input,output,cache_write_5m,cache_write_1h,cache_read",
                UNPRICED + ",exact,2,2,2,2,2"));
        LedgerServices withFile = new LedgerServices(fixture.store(), PriceTable.layered(file), file,
                fixture.clock(), LedgerServices.DEFAULT_HOLD_TTL);
        Session session = withFile.sessions().start(Actor.local(), Ref.id(agent.id()), null, UNPRICED).session();
        assertThat(withFile.usage().report(Actor.local(), new UsageReport(session.id(), MILLION_IN, null, null, "r1"))
                .costMicros()).isEqualTo(2_000_000L);

        Files.write(file, List.of("model,match,input,output,cache_write_5m,cache_write_1h,cache_read",
                UNPRICED + ",exact,3,3,3,3,3"));
        PriceReload reload = withFile.reloadPrices(Actor.local());
        UsageReceipt after = withFile.usage().report(Actor.local(),
                new UsageReport(session.id(), MILLION_IN, null, null, "r2"));

        assertThat(reload.rows()).isEqualTo(withFile.prices().rows().size());
        assertThat(after.costMicros()).isEqualTo(3_000_000L);
        assertThat(after.costSource()).isEqualTo(CostSource.PRICED);

        Files.write(file, List.of("model,match,input,output,cache_write_5m,cache_write_1h,cache_read",
                UNPRICED + ",exact,not-a-number,3,3,3,3"));
        LedgerException bad = ledgerError(() -> withFile.reloadPrices(Actor.local()));
        assertThat(bad.details()).containsEntry("field", "prices");
        assertThat(withFile.usage().report(Actor.local(), new UsageReport(session.id(), MILLION_IN, null, null, "r3"))
                .costMicros()).as("the old table stays in force").isEqualTo(3_000_000L);
        assertThat(ledgerError(() -> service.reloadPrices(Actor.local())).code())
                .as("services opened without a file have nothing to reload").isEqualTo(ErrorCode.CONFLICT);
    }
}
