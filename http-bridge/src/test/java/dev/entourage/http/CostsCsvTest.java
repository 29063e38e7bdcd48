package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.CostReport;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 CSV of cost reports: quoting of commas, quotes and line breaks, groups with a totals row. */
class CostsCsvTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 28);

    private static CostReport report() {
        List<CostReport.SessionCost> sessions = List.of(
                new CostReport.SessionCost(7, "eng-1", 3L, "Fix \"login\",\r\nthen\nlogout", "m", 1_500_000, 10, 5, 15, 2),
                new CostReport.SessionCost(8, "=eng-2", null, null, null, 250_000, 1, 1, 2, 0));
        List<CostReport.CostGroup> tasks = List.of(
                new CostReport.CostGroup("Fix \"login\",\r\nthen\nlogout", 3L, 1_500_000, 10, 5, 1),
                new CostReport.CostGroup("(no task)", null, 250_000, 1, 1, 1));
        List<CostReport.CostGroup> agents = List.of(new CostReport.CostGroup("eng-1", 1L, 1_500_000, 10, 5, 1),
                new CostReport.CostGroup("=eng-2", 2L, 250_000, 1, 1, 1));
        return new CostReport(1, DAY.minusDays(1), DAY, 1_750_000, 11, 6, sessions, agents,
                List.of(new CostReport.CostGroup("m", null, 1_750_000, 11, 6, 2)), tasks,
                List.of(new CostReport.DayCost(DAY.minusDays(1), 0, 0, 0, 0),
                        new CostReport.DayCost(DAY, 1_750_000, 11, 6, 2)), 2, null);
    }

    @Test
    void sessionsQuoteCommasQuotesAndLineBreaks() {
        String csv = CostsCsv.of(report());
        assertThat(csv).contains("7,eng-1,3,\"Fix \"\"login\"\",\r\nthen\nlogout\",m,1.5,10,5,15,2,0\r\n");
        assertThat(csv).contains("8,'=eng-2,,,,0.25,1,1,2,0,0\r\n");
    }

    @Test
    void groupsHaveAHeaderOneRowEachAndATotal() {
        assertThat(CostsCsv.grouped(report(), "task")).isEqualTo(
                "task_id,task_title,cost_usd,input_tokens,output_tokens,sessions\r\n"
                        + "3,\"Fix \"\"login\"\",\r\nthen\nlogout\",1.5,10,5,1\r\n"
                        + ",(no task),0.25,1,1,1\r\n"
                        + "total,,1.75,11,6,2\r\n");
        assertThat(CostsCsv.grouped(report(), "agent")).isEqualTo(
                "agent_id,agent_name,cost_usd,input_tokens,output_tokens,sessions\r\n"
                        + "1,eng-1,1.5,10,5,1\r\n"
                        + "2,'=eng-2,0.25,1,1,1\r\n"
                        + "total,,1.75,11,6,2\r\n");
        assertThat(CostsCsv.grouped(report(), "day")).isEqualTo(
                "day,cost_usd,input_tokens,output_tokens,sessions\r\n"
                        + "2026-11-27,0,0,0,0\r\n"
                        + "2026-11-28,1.75,11,6,2\r\n"
                        + "total,1.75,11,6,2\r\n");
        assertThat(CostsCsv.grouped(report(), "model")).isEqualTo(
                "model,cost_usd,input_tokens,output_tokens,sessions,unpriced_usd\r\n"
                        + "m,1.75,11,6,2,0\r\n"
                        + "total,1.75,11,6,2,0\r\n");
    }
}
