package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.ledger.CostReport.CostGroup;
import dev.entourage.ledger.CostReport.SessionCost;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.testing.StoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Reads from the spend rollups agree with a direct scan of the events: random sessions, usage reports (with and
 * without holds to settle), captured calls, claims on captured sessions, and clock jumps of minutes to days, in zones
 * with half-hour, 45-minute and DST offsets. After the steps, every cost report (today, custom ranges; totals, every
 * {@code by_*} group, every day, every session over all pages of a small page size) and every spend chart (today, 7d,
 * 30d, by agent and by model) must equal what the events read back one by one ({@code sessionUsage}) add up to. Reads
 * take a window's whole UTC hours from the hour rollups and the rest from the five-minute rollups, so reports of each
 * single day of the history and of ranges of days check both (and the CSV export's pages, {@code costExport}), and in the +05:45, +05:30, +10:30 and -03:30 zones the
 * day's edges cut hours. A write path that forgot either rollup would leave its events out of the reads and fail
 * this.
 */
public abstract class RollupReadsPropertyContract {
    private static final String[] MODELS = {null, "claude-sonnet-4", "gpt-4o", "claude-haiku-4-5"};
    private static final String[] ZONES = {"Asia/Kathmandu", "Asia/Kolkata", "Australia/Lord_Howe",
            "America/St_Johns", "Europe/Berlin", "Pacific/Chatham", "UTC"};

    /** The store under test, as a factory: each try opens its own store (jqwik runs no JUnit extensions). */
    protected abstract StoreFixture fixture();

    enum Kind { START, REPORT, SETTLE, CAPTURE, CLAIM, CLOCK }

    record Step(Kind kind, int a, int b, int c) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(List.of(net.jqwik.api.Tuple.of(4, Kind.START),
                net.jqwik.api.Tuple.of(10, Kind.REPORT), net.jqwik.api.Tuple.of(3, Kind.SETTLE),
                net.jqwik.api.Tuple.of(4, Kind.CAPTURE), net.jqwik.api.Tuple.of(2, Kind.CLAIM),
                net.jqwik.api.Tuple.of(5, Kind.CLOCK)));
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 10_000);
        return Combinators.combine(kinds, small, small, small).as(Step::new).list().ofMinSize(10).ofMaxSize(50);
    }

    @Property(tries = 30, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void rollupReadsEqualAScanOfTheEvents(@ForAll("steps") List<Step> steps,
                                          @ForAll("zones") String zoneName) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "rollups") : Files.createTempDirectory("rollups");
        MutableClock clock = new MutableClock(Instant.parse("2026-10-24T20:47:13Z"));
        StoreFixture stores = fixture();
        ManagedStore store = stores.open(dir, clock);
        try {
            new Run(new LedgerServices(store, PriceTable.bundled(), clock), clock, ZoneId.of(zoneName)).check(steps);
        } finally {
            store.close();
            stores.dispose(dir);
            StoreFixture.deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    /** One try. */
    static final class Run {
        private static final Actor LOCAL = Actor.local();
        final LedgerServices ledger;
        final MutableClock clock;
        final ZoneId zone;
        final Instant first;
        final List<Long> sessions = new ArrayList<>();
        final List<Long> tasks = new ArrayList<>();
        int next;

        Run(LedgerServices ledger, MutableClock clock, ZoneId zone) {
            this.ledger = ledger;
            this.clock = clock;
            this.zone = zone;
            this.first = clock.instant();
            ledger.settings().ensureDefaultTeam();
            ledger.settings().updateTeam(LOCAL, Ref.name(Team.DEFAULT_NAME),
                    new TeamSettings(Change.keep(), Change.to(zone), Change.keep(), Change.keep()));
            for (int a = 0; a < 3; a++) {
                ledger.settings().ensureAgent(LOCAL, "agent-" + a, Ref.name(Team.DEFAULT_NAME));
            }
            for (String title : List.of("shared", "shared", "other")) {
                tasks.add(ledger.settings().createTask(LOCAL, Ref.name(Team.DEFAULT_NAME),
                        new NewTask(title, null, "chore", List.of(), null)).id());
            }
        }

        void check(List<Step> steps) {
            for (Step step : steps) {
                apply(step);
            }
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            LocalDate firstDay = LocalDate.ofInstant(first, zone);
            List<Stored> events = scan();
            List<LocalDate[]> ranges = new ArrayList<>(List.of(new LocalDate[] {today, today},
                    new LocalDate[] {firstDay, today}, new LocalDate[] {firstDay.plusDays(1), firstDay.plusDays(2)}));
            for (LocalDate day = firstDay; !day.isAfter(today) && ranges.size() < 12; day = day.plusDays(1)) {
                ranges.add(new LocalDate[] {day, day});
            }
            for (LocalDate[] range : ranges) {
                checkCosts(events, range[0], range[1]);
            }
            for (SpendSeries.Range range : SpendSeries.Range.values()) {
                for (SpendSeries.Split by : SpendSeries.Split.values()) {
                    checkSpend(events, range, by);
                }
            }
        }

        private void apply(Step step) {
            TokenCounts tokens = new TokenCounts(step.b() % 900 + 1, step.c() % 300, step.b() % 7, 0, step.c() % 11);
            String model = MODELS[step.c() % MODELS.length];
            long cost = step.b() * 37L % 400_000;
            switch (step.kind()) {
                case START -> {
                    int task = step.b() % (tasks.size() + 1);
                    sessions.add(ledger.sessions().start(LOCAL, Ref.name("agent-" + step.a() % 3),
                            task == tasks.size() ? null : tasks.get(task), MODELS[step.c() % MODELS.length])
                            .session().id());
                }
                case REPORT, SETTLE -> {
                    if (sessions.isEmpty()) {
                        return;
                    }
                    long id = sessions.get(step.a() % sessions.size());
                    String hold = null;
                    if (step.kind() == Kind.SETTLE) {
                        Session s = ledger.sessions().get(LOCAL, id);
                        hold = ledger.budgets().reserve(LOCAL, Ref.id(s.agentId()), s.taskId(), id, 1_000).hold().id();
                    }
                    ledger.usage().report(LOCAL, new UsageReport(id, tokens, step.a() % 3 == 0 ? null : cost,
                            model, "e" + next++, hold));
                }
                case CAPTURE, CLAIM -> {
                    CaptureOrigin origin = new CaptureOrigin(CaptureSource.CLAUDE_CODE, "cc-" + step.a() % 4,
                            Ref.name("agent-" + step.a() % 3), step.a() % 2 == 0 ? null : "captured-task");
                    CapturedCall call = new CapturedCall(origin, "c" + next++, clock.instant(), model, tokens,
                            step.b() % 2 == 0 ? null : cost, null, null, null);
                    if (step.b() % 3 == 0) {
                        ledger.capture().record(LOCAL, List.of(call));
                        return;
                    }
                    UsageReceipt receipt = ledger.capture().recordSettling(LOCAL, call, null).orElseThrow();
                    if (step.kind() == Kind.CLAIM) {
                        ledger.usage().report(LOCAL, new UsageReport(receipt.sessionId(), tokens, cost, model,
                                "claim" + next++));
                    }
                    if (!sessions.contains(receipt.sessionId())) {
                        sessions.add(receipt.sessionId());
                    }
                }
                case CLOCK -> clock.advance(Duration.ofSeconds(step.a() % 4 == 0 ? step.b() * 60L : step.b()));
                default -> throw new IllegalStateException(step.kind().name());
            }
        }

        /** A charged event as read back one by one, with its session. */
        record Stored(StoredUsage usage, Session session) {
        }

        private List<Stored> scan() {
            List<Stored> events = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int a = 0; a < 3; a++) {
                ledger.sessions().list(LOCAL, Ref.name("agent-" + a), SessionQuery.latest(SessionQuery.MAX_LIMIT))
                        .forEach(s -> ids.add(s.id()));
            }
            for (long id : ids) {
                Long before = null;
                do {
                    SessionUsage page = ledger.reports().sessionUsage(LOCAL, id, before, 7);
                    page.events().stream().filter(e -> !e.usage().claim())
                            .forEach(e -> events.add(new Stored(e.usage(), page.session())));
                    before = page.nextBefore();
                } while (before != null);
            }
            return events;
        }

        private void checkCosts(List<Stored> all, LocalDate since, LocalDate until) {
            Instant from = since.atStartOfDay(zone).toInstant();
            Instant to = until.plusDays(1).atStartOfDay(zone).toInstant();
            List<Stored> in = all.stream().filter(e -> !e.usage().reportedAt().isBefore(from)
                    && e.usage().reportedAt().isBefore(to)).toList();
            CostReport report = ledger.reports().costs(LOCAL, Ref.name(Team.DEFAULT_NAME), since, until, null, 2);
            String where = since + ".." + until + " in " + zone;
            assertThat(report.totalCostMicros()).as(where).isEqualTo(in.stream().mapToLong(e -> e.usage().costMicros()).sum());
            assertThat(report.totalInputTokens()).as(where).isEqualTo(in.stream().mapToLong(e -> e.usage().tokens().input()).sum());
            assertThat(report.totalOutputTokens()).as(where).isEqualTo(in.stream().mapToLong(e -> e.usage().tokens().output()).sum());
            assertThat(report.sessionCount()).as(where).isEqualTo(in.stream().map(e -> e.session().id()).distinct().count());
            assertThat(report.byAgent()).as(where).containsExactlyElementsOf(groups(in, e -> e.session().agentName(),
                    e -> e.session().agentId()));
            assertThat(report.byModel()).as(where).containsExactlyElementsOf(groups(in, e -> e.usage().model() == null
                    ? CostReports.UNKNOWN_MODEL : e.usage().model(), e -> null));
            assertThat(report.byTask()).as(where).containsExactlyElementsOf(groups(in, e -> e.session().taskId() == null
                    ? CostReports.NO_TASK : ledger.reports().task(LOCAL, e.session().taskId()).task().title(),
                    e -> e.session().taskId()));
            List<CostReport.DayCost> days = new ArrayList<>();
            for (LocalDate day = since; !day.isAfter(until); day = day.plusDays(1)) {
                LocalDate d = day;
                List<Stored> on = in.stream().filter(e -> LocalDate.ofInstant(e.usage().reportedAt(), zone).equals(d)).toList();
                days.add(new CostReport.DayCost(d, on.stream().mapToLong(e -> e.usage().costMicros()).sum(),
                        on.stream().mapToLong(e -> e.usage().tokens().input()).sum(),
                        on.stream().mapToLong(e -> e.usage().tokens().output()).sum(),
                        (int) on.stream().map(e -> e.session().id()).distinct().count()));
            }
            assertThat(report.byDay()).as(where).containsExactlyElementsOf(days);
            List<SessionCost> pages = new ArrayList<>(report.sessions());
            while (report.nextCursor() != null) {
                report = ledger.reports().costs(LOCAL, Ref.name(Team.DEFAULT_NAME), since, until, report.nextCursor(), 2);
                pages.addAll(report.sessions());
            }
            assertThat(pages.stream().map(this::key).toList()).as(where).containsExactlyElementsOf(sessionCosts(in));
            CostReport top = ledger.reports().costs(LOCAL, Ref.name(Team.DEFAULT_NAME), since, until, null, 2);
            CostExport export = ledger.reports().costExport(LOCAL, top, 2);
            List<SessionCost> exported = new ArrayList<>(top.sessions());
            for (String cursor = top.nextCursor(); cursor != null; ) {
                CostReport.SessionPage page = export.page(cursor);
                exported.addAll(page.sessions());
                cursor = page.nextCursor();
            }
            assertThat(exported.stream().map(this::key).toList()).as("export of " + where)
                    .containsExactlyElementsOf(sessionCosts(in));
        }

        private List<CostGroup> groups(List<Stored> in, Function<Stored, String> name, Function<Stored, Long> id) {
            Map<List<Object>, long[]> sums = new LinkedHashMap<>();
            Map<List<Object>, Set<Long>> sessionsOf = new LinkedHashMap<>();
            for (Stored e : in) {
                List<Object> key = java.util.Arrays.asList(id.apply(e), name.apply(e));
                long[] sum = sums.computeIfAbsent(key, k -> new long[3]);
                sum[0] += e.usage().costMicros();
                sum[1] += e.usage().tokens().input();
                sum[2] += e.usage().tokens().output();
                sessionsOf.computeIfAbsent(key, k -> new HashSet<>()).add(e.session().id());
            }
            List<CostGroup> groups = new ArrayList<>();
            sums.forEach((key, s) -> groups.add(new CostGroup((String) key.get(1), (Long) key.get(0), s[0], s[1], s[2],
                    sessionsOf.get(key).size())));
            groups.sort(Comparator.comparingLong(CostGroup::costMicros).reversed().thenComparing(CostGroup::name)
                    .thenComparing(g -> g.id() == null ? 0 : g.id()));
            return groups;
        }

        private List<String> sessionCosts(List<Stored> in) {
            Map<Long, List<Stored>> bySession = new TreeMap<>();
            in.forEach(e -> bySession.computeIfAbsent(e.session().id(), k -> new ArrayList<>()).add(e));
            List<SessionCost> costs = new ArrayList<>();
            bySession.forEach((id, events) -> {
                Session s = events.get(0).session();
                String model = s.model() != null ? s.model() : events.stream().map(e -> e.usage().model())
                        .sorted(Comparator.nullsFirst(Comparator.<String>naturalOrder())).toList().get(0);
                long tokens = events.stream().mapToLong(e -> e.usage().tokens().input() + e.usage().tokens().output()
                        + e.usage().tokens().cacheCreation() + e.usage().tokens().cacheRead()).sum();
                costs.add(new SessionCost(id, s.agentName(), s.taskId(), null, model,
                        events.stream().mapToLong(e -> e.usage().costMicros()).sum(),
                        events.stream().mapToLong(e -> e.usage().tokens().input()).sum(),
                        events.stream().mapToLong(e -> e.usage().tokens().output()).sum(), tokens, 0));
            });
            costs.sort(Comparator.comparingLong(SessionCost::costMicros).reversed().thenComparingLong(SessionCost::sessionId));
            return costs.stream().map(this::key).toList();
        }

        private String key(SessionCost c) {
            return c.sessionId() + "|" + c.agentName() + "|" + c.taskId() + "|" + c.model() + "|" + c.costMicros()
                    + "|" + c.inputTokens() + "|" + c.outputTokens() + "|" + c.tokens();
        }

        private void checkSpend(List<Stored> all, SpendSeries.Range range, SpendSeries.Split by) {
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, zone);
            Instant midnight = today.atStartOfDay(zone).toInstant();
            SpendSeries series = ledger.reports().spend(LOCAL, Ref.name(Team.DEFAULT_NAME), range, by);
            int n = series.buckets().size();
            Map<String, long[]> expected = new TreeMap<>();
            for (Stored e : all) {
                Instant at = e.usage().reportedAt();
                int bucket;
                if (range == SpendSeries.Range.TODAY) {
                    bucket = at.isBefore(midnight) ? -1 : (int) (Duration.between(midnight, at).toSeconds() / 300);
                } else {
                    int days = range == SpendSeries.Range.DAYS_7 ? 7 : 30;
                    bucket = days - 1 - (int) java.time.temporal.ChronoUnit.DAYS.between(LocalDate.ofInstant(at, zone), today);
                }
                if (bucket < 0 || bucket >= n) {
                    continue;
                }
                String name = by == SpendSeries.Split.AGENT ? e.session().agentName()
                        : Objects.requireNonNullElse(e.usage().model(), SpendSeries.UNKNOWN_MODEL);
                expected.computeIfAbsent(name, k -> new long[n])[bucket] += e.usage().costMicros();
            }
            Map<String, List<Long>> actual = new TreeMap<>();
            series.series().forEach(s -> actual.put(s.name(), s.costMicros()));
            Map<String, List<Long>> wanted = new TreeMap<>();
            expected.forEach((name, values) -> wanted.put(name, java.util.Arrays.stream(values).boxed().toList()));
            assertThat(actual).as(range + " by " + by + " in " + zone).isEqualTo(wanted);
        }
    }
}
