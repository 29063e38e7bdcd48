package dev.entourage.mcp;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §2 under concurrency: 2 child processes ({@link TeamLoadChild}), 32 threads each, one agent and session per
 * thread, all in ONE team with a tight daily limit, over one SQLite file.
 *
 * <p>Each child prints one line per answer it acknowledged, stamped with {@link System#nanoTime()} before the call
 * and after the answer. On Linux, HotSpot's {@code nanoTime} is {@code CLOCK_MONOTONIC}, one clock for every process
 * on the machine, so stamps of the two children can be compared. What is asserted:
 * <ol>
 *   <li><b>Exact totals.</b> The sum of the costs of all acknowledged reports (each event id once) equals
 *       {@code SUM(cost_micros)} of {@code usage_events} and the team's {@code spend_counters}, and the number of
 *       events equals the number of acknowledged reports.</li>
 *   <li><b>No within-budget answer after the crossing.</b> A report's answer carries the team's committed total
 *       including itself (the write and the decision are one transaction). Let a <em>crossing commit</em> be an
 *       acknowledged report whose answer says {@code team_daily_spent >= limit}. Sound and checkable: every
 *       {@code check_budget} that <em>started</em> after some report's answer was received must have seen at least
 *       that report's committed total (no stale read); hence (i) a check that started after any crossing commit was
 *       acknowledged answers over budget with a {@code team_daily} violation, and (ii) every within-budget answer saw
 *       {@code spent < limit}. Checks that overlap the crossing commit may go either way: that is linearizable. Also,
 *       each report answers {@code stop} exactly when its committed total is {@code >= limit}.</li>
 *   <li><b>Holds never overshoot.</b> Each thread reserves the exact cost and then reports it with the
 *       {@code hold_id}: the team's final spend is {@code <= limit}, exactly the acknowledged sum, no hold stays held,
 *       and the limit was nearly used up (less than one report's cost remains).</li>
 * </ol>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TeamConcurrencyIT {
    private static final int THREADS = 32;
    private static final int REPORTS = 24;
    private static final long LIMIT = 1_200_000L;
    private static final long MAX_COST = 2_300L;

    @TempDir
    Path dir;

    record Answer(String kind, String who, long start, long end, String[] f) {
        static Answer parse(String line) {
            String[] f = line.split(" ");
            return new Answer(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f);
        }
    }

    @Test
    void totalsAreExactAndNoCheckPassesAfterTheTeamCrossedItsLimit() throws Exception {
        Path db = dir.resolve("ledger.db");
        String team = "tight-plain";
        long teamId = setUp(db, team, List.of("p", "q"));
        List<Answer> answers = run(db, List.of("p", "q"), "plain");

        List<Answer> reports = answers.stream().filter(a -> a.kind().equals("R")).toList();
        List<Answer> checks = answers.stream().filter(a -> a.kind().equals("C")).toList();
        assertThat(reports).hasSize(2 * THREADS * REPORTS);
        assertThat(checks).hasSize(2 * THREADS * REPORTS);
        assertExactTotals(db, teamId, reports);

        for (Answer r : reports) {
            long committed = Long.parseLong(r.f()[7]);
            assertThat(r.f()[6]).as("action of %s at team total %d", r.f()[4], committed)
                    .isEqualTo(committed >= LIMIT ? "STOP" : "CONTINUE");
        }
        long crossingAcked = reports.stream().filter(r -> Long.parseLong(r.f()[7]) >= LIMIT)
                .mapToLong(Answer::end).min().orElseThrow(() -> new AssertionError("the team never crossed"));
        long within = 0;
        for (Answer c : checks) {
            long seen = Long.parseLong(c.f()[4]);
            boolean over = c.f()[6].equals("1");
            boolean teamTrips = c.f()[7].equals("1");
            long mustHaveSeen = reports.stream().filter(r -> r.end() < c.start())
                    .mapToLong(r -> Long.parseLong(r.f()[7])).max().orElse(0);
            assertThat(seen).as("check of %s started after a commit of team total %d was acknowledged", c.who(),
                    mustHaveSeen).isGreaterThanOrEqualTo(mustHaveSeen);
            assertThat(teamTrips).as("check of %s saw %d", c.who(), seen).isEqualTo(seen >= LIMIT);
            if (!over) {
                within++;
                assertThat(seen).as("a within-budget answer saw less than the limit").isLessThan(LIMIT);
                assertThat(c.start()).as("a within-budget answer started after the crossing was acknowledged")
                        .isLessThanOrEqualTo(crossingAcked);
            }
        }
        assertThat(within).as("some checks passed before the crossing").isPositive();
        assertThat(checks.size() - within).as("many checks refused after it").isGreaterThan(THREADS);
    }

    @Test
    void withHoldsCoveringEachReportTheTeamNeverOvershoots() throws Exception {
        Path db = dir.resolve("ledger.db");
        String team = "tight-holds";
        long teamId = setUp(db, team, List.of("h", "k"));
        List<Answer> answers = run(db, List.of("h", "k"), "holds");

        List<Answer> reports = answers.stream().filter(a -> a.kind().equals("R")).toList();
        List<Answer> refused = answers.stream().filter(a -> a.kind().equals("X")).toList();
        assertThat(reports.size() + refused.size()).isEqualTo(2 * THREADS * REPORTS);
        assertThat(refused).as("the tight limit refused reservations").isNotEmpty();
        long total = assertExactTotals(db, teamId, reports);
        assertThat(total).as("team spend with honest holds").isLessThanOrEqualTo(LIMIT);
        assertThat(LIMIT - total).as("what remains is less than one report's cost").isLessThan(MAX_COST);
        for (Answer r : reports) {
            assertThat(Long.parseLong(r.f()[7])).as("committed total after %s", r.f()[4]).isLessThanOrEqualTo(LIMIT);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            assertThat(count(c, "SELECT COUNT(*) FROM budget_holds WHERE team_id = ? AND status = 'held'", teamId))
                    .isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM budget_holds WHERE team_id = ? AND status = 'settled'", teamId))
                    .isEqualTo(reports.size());
        }
    }

    /** Creates the team (zone: one where it is now about noon, far from midnight) and 32 agents per prefix. */
    private static long setUp(Path db, String team, List<String> prefixes) {
        int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        int offset = 12 - hour; // -11 .. +12
        ZoneId zone = ZoneId.of(offset == 0 ? "Etc/GMT" : "Etc/GMT" + (offset > 0 ? "-" + offset : "+" + -offset));
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            Team created = ledger.services().settings().setTeam(Actor.local(), team, new TeamSettings(Change.to(LIMIT), Change.to(zone),
                    Change.keep(), Change.keep()));
            for (String prefix : prefixes) {
                for (int t = 0; t < THREADS; t++) {
                    ledger.services().settings().setAgent(Actor.local(), prefix + "-" + t, Ref.parse(team), AgentSettings.none());
                }
            }
            return created.id();
        }
    }

    private List<Answer> run(Path db, List<String> prefixes, String mode) throws Exception {
        String classpath = Sidecar.jar() + File.pathSeparator
                + Path.of(TeamLoadChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (String prefix : prefixes) {
                Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", classpath,
                        TeamLoadChild.class.getName(), db.toString(), prefix, Integer.toString(THREADS),
                        Integer.toString(REPORTS), mode)
                        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(prefix + ".err").toFile()))
                        .start();
                children.add(child);
                outs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outs) {
                assertThat(out.readLine()).as("child ready (see %s)", dir).isEqualTo("READY");
            }
            for (Process child : children) { // release both at once
                OutputStream in = child.getOutputStream();
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            List<Answer> answers = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (BufferedReader out : outs) {
                String line;
                boolean done = false;
                while ((line = out.readLine()) != null) {
                    if (line.equals("DONE")) {
                        done = true;
                    } else if (line.startsWith("E ") || line.startsWith("W ")) {
                        problems.add(line);
                    } else {
                        answers.add(Answer.parse(line));
                    }
                }
                assertThat(done).as("child finished").isTrue();
            }
            for (Process child : children) {
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            }
            assertThat(problems).as("errors and retries in the children").isEmpty();
            return answers;
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /** (a): recorded totals equal the acknowledged sum exactly; returns it. */
    private static long assertExactTotals(Path db, long teamId, List<Answer> reports) throws SQLException {
        Set<String> ids = new HashSet<>();
        long acknowledged = 0;
        for (Answer r : reports) {
            assertThat(ids.add(r.f()[4])).as("event %s acknowledged once", r.f()[4]).isTrue();
            assertThat(r.f()[8]).isEqualTo("false");
            acknowledged += Long.parseLong(r.f()[5]);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            assertThat(count(c, "SELECT COUNT(*) FROM usage_events WHERE team_id = ?", teamId))
                    .isEqualTo(reports.size());
            assertThat(count(c, "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_events WHERE team_id = ?", teamId))
                    .as("usage_events sum").isEqualTo(acknowledged);
            assertThat(count(c, "SELECT COALESCE(SUM(spent_micros), 0) FROM spend_counters "
                    + "WHERE scope = 'team_daily' AND scope_id = ?", teamId))
                    .as("team counter").isEqualTo(acknowledged);
        }
        return acknowledged;
    }

    private static long count(Connection c, String sql, long teamId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setLong(1, teamId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
