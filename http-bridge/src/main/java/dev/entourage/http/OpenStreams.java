package dev.entourage.http;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open event streams: at most {@value #MAX_STREAMS_PER_CALLER} per credential, a keep-alive comment to each
 * every keep-alive interval, their credentials checked again every recheck interval (a revoked key or an expired
 * token ends its streams), and the sender threads that write them. {@link #close()} ends every stream and refuses
 * new ones, so a graceful stop does not wait on them.
 */
final class OpenStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenStreams.class);
    /** Streams one credential may hold open at once (a tab holds one; a leak of them must not pin the server). */
    static final int MAX_STREAMS_PER_CALLER = 16;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** How often each stream's credentials are checked again: a revoked key or an expired token ends its streams. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final Set<StreamConnection> streams = ConcurrentHashMap.newKeySet();
    private final Authenticator authenticator;
    private final ExecutorService senders;
    private final ScheduledExecutorService ticker;
    private volatile boolean closed;

    OpenStreams(Authenticator authenticator, Duration keepAlive, Duration recheck) {
        this.authenticator = authenticator;
        this.senders = Executors.newCachedThreadPool(daemons("entourage-events-sender"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemons("entourage-events-keepalive"));
        long every = keepAlive.toMillis();
        ticker.scheduleAtFixedRate(() -> streams.forEach(StreamConnection::keepAlive), every, every,
                TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::recheckCredentials, recheck.toMillis(), recheck.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Ends the streams whose credentials are no longer accepted (revoked, expired); keeps them if storage is down. */
    private void recheckCredentials() {
        for (StreamConnection stream : streams) {
            try {
                if (authenticator.authenticate(stream.key(), stream.authorization()).isEmpty()) {
                    stream.close();
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not check an event stream's credentials again: {}", e.getMessage());
            }
        }
    }

    /**
     * Refuses a new stream for {@code caller} when stopping or when the credential has its cap open.
     *
     * @throws HttpFailure 503 while stopping, 429 with {@code Retry-After} at the cap
     */
    void admit(String caller) {
        if (closed) {
            throw new HttpFailure(503, ErrorCode.STORAGE_UNAVAILABLE,
                    "The server is stopping; reconnect in a moment.", Map.of(), Map.of());
        }
        if (streams.stream().filter(s -> s.caller().equals(caller)).count() >= MAX_STREAMS_PER_CALLER) {
            throw new HttpFailure(429, ErrorCode.RATE_LIMITED, "this credential has "
                    + MAX_STREAMS_PER_CALLER + " event streams open already; close one (a browser tab each)",
                    Map.of(), Map.of("Retry-After", "5"));
        }
    }

    /** Registers {@code stream}; closes it at once when stopping began meanwhile. */
    void add(StreamConnection stream) {
        streams.add(stream);
        if (closed) {
            stream.close();
        }
    }

    void remove(StreamConnection stream) {
        streams.remove(stream);
    }

    /** Offers {@code frame} to every stream of {@code teamId}, or to all for {@link LedgerEvent#ALL_TEAMS}. */
    void offer(long teamId, String frame) {
        for (StreamConnection stream : streams) {
            if (teamId == LedgerEvent.ALL_TEAMS || teamId == stream.teamId()) {
                stream.offer(frame);
            }
        }
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    Executor senders() {
        return senders;
    }

    /** How many streams are open (for tests and logs). */
    int size() {
        return streams.size();
    }

    /** Ends every stream and stops the threads; new streams are refused from now on. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        streams.forEach(StreamConnection::close);
        ticker.shutdownNow();
        senders.shutdown();
        try {
            if (!senders.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
