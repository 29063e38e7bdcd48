package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionCapture;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageLabels;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.pricing.PriceTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger written by an older version migrates to the newest with its data as it was. */
class SqliteMigrationTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void aVersion7LedgerWithDataMigratesToCapture() {
        Path file = dir.resolve("ledger.db");
        Jdbi.create("jdbc:sqlite:" + file).useHandle(h -> {
            assertThat(Migrations.apply(h, Dialect.SQLITE, clock, 7)).isEqualTo(7);
            h.execute("INSERT INTO teams (id, name, created_at, daily_limit_micros) VALUES (1, 'default', 0, 5000000)");
            h.execute("INSERT INTO agents (id, name, team_id, created_at) VALUES (1, 'eng-1', 1, 0)");
            h.execute("INSERT INTO sessions (id, agent_id, team_id, status, started_at, cost_micros) "
                    + "VALUES (1, 1, 1, 'active', 0, 250000)");
            h.execute("INSERT INTO usage_events (event_id, session_id, agent_id, team_id, input_tokens, "
                    + "output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
                    + "cache_read_input_tokens, cost_micros, cost_source, fingerprint, action, reported_at) "
                    + "VALUES ('evt-1', 1, 1, 1, 10, 1, 0, 0, 0, 250000, 'reported', 'f', 'continue', "
                    + NOW.toEpochMilli() + ")");
        });

        try (SqliteLedgerStore store = SqliteLedgerStore.open(file, SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            LedgerServices ledger = new LedgerServices(store, PriceTable.bundled(), clock);
            Session session = ledger.sessions().get(Actor.local(), 1);
            assertThat(session.capture()).isEqualTo(SessionCapture.NONE);
            assertThat(session.totals().costMicros()).isEqualTo(250_000L);
            StoredUsage old = store.read(r -> r.usageByEventId(1, "evt-1")).orElseThrow();
            assertThat(old.claim()).isFalse();
            assertThat(old.labels()).isEqualTo(UsageLabels.NONE);
            Team team = ledger.settings().team(Actor.local(), Ref.name("default"));
            assertThat(team.maxRepeatedToolCalls()).isNull();
            assertThat(team.dailyLimitMicros()).isEqualTo(5_000_000L);
            assertThat(ledger.reports().costs(Actor.local(), Ref.name("default"), null, null).totalCostMicros())
                    .as("old events still count").isEqualTo(250_000L);
            assertThat(ledger.usage().report(Actor.local(), new UsageReport(1, new TokenCounts(1, 1, 0, 0, 0),
                    1_000L, null, "evt-2")).claim()).isFalse();
        }
    }

    @Test
    void aVersion9LedgerGetsFiveMinuteAndHourRollupsThatAddUpToItsEvents() {
        Path file = dir.resolve("ledger.db");
        Instant first = Instant.parse("2026-11-25T18:10:00Z");
        long[] offsets = {0, 4, 5, 6, 59, 61, 125, 1_440, 1_445, 2_000, 2_885, 2_886};
        long total = 0;
        Jdbi.create("jdbc:sqlite:" + file).useHandle(h -> {
            assertThat(Migrations.apply(h, Dialect.SQLITE, clock, 9)).isEqualTo(9);
            h.execute("INSERT INTO teams (id, name, created_at, timezone) VALUES (1, 'default', 0, 'Asia/Kathmandu')");
            h.execute("INSERT INTO agents (id, name, team_id, created_at) VALUES (1, 'eng-1', 1, 0)");
            h.execute("INSERT INTO sessions (id, agent_id, team_id, status, started_at) VALUES (1, 1, 1, 'active', 0)");
            for (int i = 0; i < offsets.length; i++) {
                h.execute("INSERT INTO usage_events (event_id, session_id, agent_id, team_id, model, input_tokens, "
                        + "output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
                        + "cache_read_input_tokens, cost_micros, cost_source, fingerprint, action, reported_at) "
                        + "VALUES ('evt-" + i + "', 1, 1, 1, " + (i % 3 == 0 ? "NULL" : "'m-" + i % 2 + "'")
                        + ", 10, 1, 0, 0, 0, " + (1_000 + i) + ", 'reported', 'f', 'continue', "
                        + first.plusSeconds(offsets[i] * 60).toEpochMilli() + ")");
            }
        });
        for (int i = 0; i < offsets.length; i++) {
            total += 1_000 + i;
        }

        try (SqliteLedgerStore store = SqliteLedgerStore.open(file, SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            Jdbi.create("jdbc:sqlite:" + file).useHandle(h -> {
                String grouped = "SELECT bucket / 3600000 * 3600000 AS hour, session_id, model, SUM(cost_micros), "
                        + "SUM(input_tokens), SUM(events) FROM spend_rollups GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
                String hours = "SELECT bucket, session_id, model, cost_micros, input_tokens, events FROM hour_rollups "
                        + "ORDER BY 1, 2, 3";
                org.jdbi.v3.core.mapper.RowMapper<List<Object>> columns = (rs, ctx) -> List.of(rs.getLong(1),
                        rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
                List<List<Object>> summed = h.createQuery(grouped).map(columns).list();
                assertThat(summed).hasSizeLessThan(offsets.length).hasSizeGreaterThan(3);
                assertThat(h.createQuery(hours).map(columns).list()).containsExactlyElementsOf(summed);
            });
            LedgerServices ledger = new LedgerServices(store, PriceTable.bundled(), clock);
            java.time.ZoneId zone = java.time.ZoneId.of("Asia/Kathmandu");
            java.time.LocalDate since = java.time.LocalDate.ofInstant(first, zone).minusDays(1);
            dev.entourage.ledger.CostReport report = ledger.reports().costs(Actor.local(), Ref.name("default"),
                    since, since.plusDays(4));
            assertThat(report.totalCostMicros()).isEqualTo(total);
            for (dev.entourage.ledger.CostReport.DayCost day : report.byDay()) {
                long expected = 0;
                for (int i = 0; i < offsets.length; i++) {
                    if (java.time.LocalDate.ofInstant(first.plusSeconds(offsets[i] * 60), zone).equals(day.day())) {
                        expected += 1_000 + i;
                    }
                }
                assertThat(day.costMicros()).as(day.day().toString()).isEqualTo(expected);
            }
        }
    }
}
