package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.CostReport;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.Team;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entourage costs}: what a team spent over a range of days, by agent, task, model or day. */
@Command(name = "costs", mixinStandardHelpOptions = true,
        description = {"What a team spent from --since to --until (days of the team's time zone, both included; "
                + "default: today), one row per agent, task, model or day, with a total.",
                "Spend counts on the day it was reported."},
        footer = {"", "Examples:",
                "  entourage costs                                  today, by agent",
                "  entourage costs --since 2026-11-01 --by day      every day from November 1st to today",
                "  entourage costs --team research --by task --format csv > tasks.csv",
                "  entourage costs --format json                    the full report (sessions, all groupings, by_day)"})
final class CostsCommand implements Callable<Integer> {
    /** What one row is. */
    enum By { agent, task, model, day }

    @Mixin
    StoreOptions store;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--team", paramLabel = "NAME|ID", defaultValue = Team.DEFAULT_NAME,
            description = "The team (default: ${DEFAULT-VALUE}).")
    String team;

    @Option(names = "--since", paramLabel = "DATE", description = "First day: YYYY-MM-DD, today, yesterday, or Nd "
            + "for the last N days with today (7d); in the team's zone (default: today, or --until when earlier).")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Last day, included, as for --since "
            + "(default: today).")
    String until;

    @Option(names = "--by", paramLabel = "agent|task|model|day", defaultValue = "agent",
            description = "One row per agent, task, model or day (default: ${DEFAULT-VALUE}); days include those "
                    + "with no spend.")
    By by;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}); json is the full report as the REST route "
                    + "gives it.")
    Format format;

    @Override
    public Integer call() {
        date("--since", since, LocalDate.now(java.time.ZoneOffset.UTC));
        date("--until", until, LocalDate.now(java.time.ZoneOffset.UTC));
        try (Ledger ledger = store.open()) {
            Team found = ledger.services().settings().team(Actor.local(), Ref.parse(team));
            LocalDate today = LocalDate.now(Clock.system(found.zone()));
            LocalDate from = date("--since", since, today);
            LocalDate to = date("--until", until, today);
            CostReport report = ledger.services().reports().costs(Actor.local(), Ref.id(found.id()), from, to);
            print(found, report);
        }
        return 0;
    }

    /** {@code YYYY-MM-DD}, {@code today}, {@code yesterday} or {@code Nd} (the last N days with today). */
    private LocalDate date(String option, String text, LocalDate today) {
        if (text == null) {
            return null;
        }
        String given = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (given.equals("today")) {
            return today;
        }
        if (given.equals("yesterday")) {
            return today.minusDays(1);
        }
        if (given.matches("[1-9][0-9]{0,3}d")) {
            return today.minusDays(Long.parseLong(given.substring(0, given.length() - 1)) - 1);
        }
        try {
            return LocalDate.parse(given);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a date such as "
                    + "2026-11-28, today, yesterday or 7d, not '" + text + "'");
        }
    }

    private void print(Team found, CostReport report) {
        if (format == Format.json) {
            Output.json(new ReportJson(Clock.systemUTC()).costs(report));
            return;
        }
        boolean csv = format == Format.csv;
        List<String> header = new ArrayList<>(switch (by) {
            case agent -> List.of("agent");
            case task -> List.of("task_id", "task");
            case model -> List.of("model");
            case day -> List.of("day");
        });
        header.addAll(List.of("cost_usd", "input_tokens", "output_tokens", "sessions"));
        List<List<String>> rows = new ArrayList<>();
        if (by == By.day) {
            for (CostReport.DayCost d : report.byDay()) {
                rows.add(row(List.of(d.day().toString()), d.costMicros(), d.inputTokens(), d.outputTokens(),
                        d.sessions(), csv));
            }
        } else {
            List<CostReport.CostGroup> groups = switch (by) {
                case agent -> report.byAgent();
                case task -> report.byTask();
                default -> report.byModel();
            };
            for (CostReport.CostGroup g : groups) {
                List<String> keys = by == By.task ? List.of(g.id() == null ? (csv ? "" : "-") : Long.toString(g.id()),
                        g.name()) : List.of(g.name());
                rows.add(row(keys, g.costMicros(), g.inputTokens(), g.outputTokens(), g.sessions(), csv));
            }
        }
        List<String> totalKeys = by == By.task ? List.of("total", "") : List.of("total");
        List<String> total = row(totalKeys, report.totalCostMicros(), report.totalInputTokens(),
                report.totalOutputTokens(), report.sessionCount(), csv);
        if (csv) {
            rows.add(total);
            Output.csv(header, rows);
            return;
        }
        Output.out().println("Costs of team " + found.name() + " from " + report.since() + " to " + report.until()
                + " (" + found.zone().getId() + "), by " + by + ":");
        rows.add(total);
        Output.table(header, rows);
        if (report.unpriced().totalMicros() > 0) {
            Output.out().println("Of which " + Output.dollars(report.unpriced().totalMicros()) + " is unpriced: "
                    + "estimated for models without a price (" + String.join(", ",
                    new java.util.TreeSet<>(report.unpriced().byModel().keySet())) + ").");
        }
    }

    private static List<String> row(List<String> keys, long costMicros, long input, long output, int sessions,
                                    boolean csv) {
        List<String> row = new ArrayList<>(keys);
        row.add(csv ? Money.toDollars(costMicros).toPlainString() : Output.dollars(costMicros));
        row.add(Long.toString(input));
        row.add(Long.toString(output));
        row.add(Integer.toString(sessions));
        return row;
    }
}
