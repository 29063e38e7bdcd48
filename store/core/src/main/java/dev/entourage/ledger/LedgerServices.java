package dev.entourage.ledger;

import dev.entourage.ledger.events.ChangeWatcher;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import dev.entourage.ledger.pricing.PriceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The use-case services of one ledger, over one shared context (store, prices, clock, event bus). Adapters (MCP
 * tools, REST routes, CLI commands) decode input, resolve the {@link Actor}, call one service method, and encode the
 * answer; nothing about budgets is decided elsewhere. Services never call each other.
 *
 * <p>Every method throws {@link LedgerException}: {@code invalid_request} naming the field for bad input,
 * {@code not_found} for unknown ids or names (and for what belongs to a team the actor does not see),
 * {@code forbidden} for what the actor may not do, {@code budget_exceeded} when new work is refused, and
 * {@code storage_unavailable} when the store cannot answer. Writes are atomic: on any exception nothing of the
 * call is written.
 */
public final class LedgerServices {
    /** How long a budget hold lasts unless a report settles it or it is released. */
    public static final Duration DEFAULT_HOLD_TTL = Duration.ofMinutes(10);

    private final LedgerContext ctx;
    private final SessionService sessions;
    private final UsageService usage;
    private final BudgetService budgets;
    private final SettingsService settings;
    private final ReportService reports;
    private final AlertService alerts;
    private final CaptureService capture;
    private final HookService hooks;
    private final MeteredCalls metered;
    private final UpstreamKeys upstreamKeys;

    public LedgerServices(LedgerStore store, PriceTable prices, Clock clock) {
        this(store, prices, clock, DEFAULT_HOLD_TTL);
    }

    /** @param holdTtl how long a budget hold lasts unless settled or released; positive */
    public LedgerServices(LedgerStore store, PriceTable prices, Clock clock, Duration holdTtl) {
        this(store, prices, null, clock, holdTtl);
    }

    /**
     * @param prices     the table in force at start
     * @param pricesFile the file {@code prices} was layered from ({@code --prices FILE}), which
     *                   {@link #reloadPrices} and {@link #watchPrices} read again; null for none
     */
    public LedgerServices(LedgerStore store, PriceTable prices, java.nio.file.Path pricesFile, Clock clock,
                          Duration holdTtl) {
        this.ctx = new LedgerContext(store, new PriceSource(prices, pricesFile, clock), clock, holdTtl,
                new LedgerEvents());
        this.sessions = new SessionService(ctx);
        this.usage = new UsageService(ctx);
        this.budgets = new BudgetService(ctx);
        this.settings = new SettingsService(ctx);
        this.reports = new ReportService(ctx);
        this.alerts = new AlertService(ctx);
        this.capture = new CaptureService(ctx);
        this.hooks = new HookService(ctx);
        this.metered = new MeteredCalls(ctx, capture);
        this.upstreamKeys = new UpstreamKeys(ctx);
    }

    public SessionService sessions() {
        return sessions;
    }

    public UsageService usage() {
        return usage;
    }

    public BudgetService budgets() {
        return budgets;
    }

    public SettingsService settings() {
        return settings;
    }

    public ReportService reports() {
        return reports;
    }

    public AlertService alerts() {
        return alerts;
    }

    /** Usage captured from coding agents' telemetry. */
    public CaptureService capture() {
        return capture;
    }

    /** Model calls a gateway meters: held before they are sent, charged once, recovered after a crash. */
    public MeteredCalls metered() {
        return metered;
    }

    /** Where teams' upstream API keys are read from (paths, never keys). */
    public UpstreamKeys upstreamKeys() {
        return upstreamKeys;
    }

    /** Decisions for coding agents' hooks. */
    public HookService hooks() {
        return hooks;
    }

    /** The bus on which the services publish what they committed (usage, sessions, kills, alerts, pauses). */
    public LedgerEvents events() {
        return ctx.events;
    }

    public Duration holdTtl() {
        return ctx.holdTtl;
    }

    /** The price table in force now; a reload swaps it whole, so keep the answer for one pricing only. */
    public PriceTable prices() {
        return ctx.prices();
    }

    /**
     * Reads the price file again (layered on the bundled table) and puts it in force for every call from now on;
     * history keeps the prices it was recorded with.
     *
     * @throws LedgerException {@code forbidden} for an actor that is not an admin, {@code conflict} when the ledger
     *                         was opened without a price file, {@code invalid_request} on field {@code prices}
     *                         naming the file and line when it does not parse (the old table stays in force)
     */
    public PriceReload reloadPrices(Actor actor) {
        actor.mayAdminister();
        return ctx.prices.reload();
    }

    /**
     * Starts a daemon thread that reloads the price file when its modification time or size changes, looking
     * every {@code every}; a file that does not parse keeps the old table and is logged once. Closing the answer
     * stops it; without a price file it does nothing.
     */
    public AutoCloseable watchPrices(Duration every) {
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive");
        }
        return ctx.prices.watch(every);
    }

    public Clock clock() {
        return ctx.clock;
    }

    /**
     * Starts a daemon thread that looks every {@code every} for writes of other processes on the same database (stdio
     * sidecars) and publishes a {@link LedgerEvent.ExternalChange} on {@link #events()} when it finds some. Closing the
     * answer stops it.
     */
    public AutoCloseable watchOtherWriters(Duration every) {
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive");
        }
        return new ChangeWatcher(ctx.store, ctx.events, every);
    }
}
