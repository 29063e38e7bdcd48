package dev.entourage.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.http.json.SettingsJson;
import dev.entourage.ledger.Alert;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Team;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers recorded alerts to each team's {@code alert_webhook_url}, off the request path: one daemon thread
 * polls the ledger for alerts due and hands each team's to a bounded pool of {@value #WORKERS} delivery threads,
 * one team per thread at a time (a team's alerts go out in order; a team whose webhook hangs holds only its own
 * thread, for at most {@link #TIMEOUT} per attempt, while other teams' alerts go out beside it). Each alert is
 * taken with a lease (so two bridges on one ledger do not both post it), POSTed as its JSON event, and marked
 * delivered on a 2xx answer. A failed attempt is retried after an exponential
 * backoff (1 s, 2 s, 4 s … at most 5 minutes); after {@link Backoff#maxAttempts()} attempts it is given up (and
 * stays visible, undelivered, at {@code GET /teams/{team_id}/alerts}). Attempts and the next attempt's time are
 * stored, so retries survive restarts.
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How long one POST may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LEASE = TIMEOUT.multipliedBy(6);
    private static final int BATCH = 500;
    /** How many teams' webhooks are called at once. */
    static final int WORKERS = 8;

    /**
     * When to try again: {@code first × 2^(attempts-1)}, at most {@code max}, for at most {@code maxAttempts}.
     */
    public record Backoff(Duration first, Duration max, int maxAttempts) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 10);

        public Backoff {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
        public Duration after(int attempts) {
            Duration wait = first;
            for (int i = 1; i < attempts && wait.compareTo(max) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return wait.compareTo(max) > 0 ? max : wait;
        }
    }

    private final LedgerServices ledger;
    private final Backoff backoff;
    private final Duration pollEvery;
    private final HttpClient client;
    private final Set<Long> busyTeams = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scheduler;
    private ThreadPoolExecutor workers;

    /**
     * @param backoff   the retry schedule ({@link Backoff#DEFAULT} in production; fast in tests)
     * @param pollEvery how often to look for alerts due
     */
    public AlertDispatcher(LedgerServices ledger, Backoff backoff, Duration pollEvery) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A dispatcher with the default backoff, polling every second, started. */
    public static AlertDispatcher start(LedgerServices ledger) {
        AlertDispatcher dispatcher = new AlertDispatcher(ledger, Backoff.DEFAULT, Duration.ofSeconds(1));
        dispatcher.start();
        return dispatcher;
    }

    /** Starts polling on one daemon thread, delivering on {@value #WORKERS} more. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        AtomicInteger numbers = new AtomicInteger();
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(WORKERS),
                r -> daemon(r, "entourage-alerts-" + numbers.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "entourage-alerts"));
        scheduler.scheduleWithFixedDelay(this::poll, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    private void poll() {
        try {
            Map<Long, List<Alert>> byTeam = new LinkedHashMap<>();
            for (Alert alert : ledger.alerts().due(backoff.maxAttempts(), BATCH)) {
                byTeam.computeIfAbsent(alert.teamId(), t -> new ArrayList<>()).add(alert);
            }
            byTeam.forEach(this::handOver);
        } catch (RuntimeException e) {
            LOG.warn("Alert delivery: {}", e.toString());
        }
    }

    /** Gives a team's due alerts to a delivery thread, unless one is busy with that team or none is free. */
    private void handOver(long teamId, List<Alert> alerts) {
        if (!busyTeams.add(teamId)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    deliverAll(alerts);
                } catch (RuntimeException e) {
                    LOG.warn("Alert delivery: {}", e.toString());
                } finally {
                    busyTeams.remove(teamId);
                }
            });
        } catch (RejectedExecutionException full) {
            busyTeams.remove(teamId);
        }
    }

    /** One round on the calling thread: tries every alert due now once, oldest first; returns how many were delivered. */
    public int deliverDue() {
        return deliverAll(ledger.alerts().due(backoff.maxAttempts(), BATCH));
    }

    private int deliverAll(List<Alert> due) {
        int delivered = 0;
        for (Alert alert : due) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (ledger.alerts().claim(alert.id(), LEASE) && deliver(alert)) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean deliver(Alert alert) {
        Team team = ledger.settings().team(Actor.local(), Ref.id(alert.teamId()));
        String url = team.alertWebhookUrl();
        if (url == null) {
            // the URL was removed since: leave it undelivered and due again later
            ledger.alerts().recordAttempt(alert.id(), "no alert_webhook_url", backoff.max());
            return false;
        }
        String error;
        try {
            byte[] body = MAPPER.writeValueAsBytes(SettingsJson.alertEvent(alert));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "entourage-alerts")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> response = client.send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 == 2) {
                ledger.alerts().recordAttempt(alert.id(), null, Duration.ZERO);
                LOG.info("Alert {} delivered to the webhook of team {}", alert.id(), alert.teamName());
                return true;
            }
            error = "HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        int attempts = alert.attempts() + 1;
        Duration wait = backoff.after(attempts);
        ledger.alerts().recordAttempt(alert.id(), error.length() > 500 ? error.substring(0, 500) : error, wait);
        if (attempts >= backoff.maxAttempts()) {
            LOG.warn("Alert {} not delivered after {} attempts ({}); giving up: {}", alert.id(), attempts, error,
                    alert.text());
        } else {
            LOG.info("Alert {} not delivered ({}); trying again in {}", alert.id(), error, wait);
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            workers.shutdownNow();
            try {
                scheduler.awaitTermination(TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
                workers.awaitTermination(TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
            workers = null;
        }
    }
}
