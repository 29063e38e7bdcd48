package dev.entourage.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets per client and route category (SPEC §6): general routes {@code generalRpm} a minute, auth
 * routes {@value #AUTH_RPM} a minute, model calls through the gateway {@value #GATEWAY_FACTOR} times the general
 * limit, each refilled whole once a minute. Memory is bounded: a bucket idle for
 * longer than its window is dropped (it would be full again anyway), and past {@link #MAX_CLIENTS} buckets
 * the least recently used ones go.
 */
final class RateLimits {
    static final int AUTH_RPM = 10;
    static final int MAX_CLIENTS = 50_000;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** How many times the general limit an agent's telemetry and hook calls get: they come every second or so. */
    static final int CAPTURE_FACTOR = 10;

    /**
     * The buckets a client has: the REST and MCP routes, the login routes, and capture (OTLP exports and Claude
     * Code's hooks, sent by the coding agent itself), so that telemetry never crowds out an agent's REST calls.
     */
    enum Category { GENERAL, AUTH, CAPTURE, GATEWAY }

    /** How many times the general limit an agent's model calls through the gateway get. */
    static final int GATEWAY_FACTOR = 3;

    /**
     * One request's standing.
     *
     * @param resetEpochSecond  when the bucket is full again, in Unix seconds
     * @param retryAfterSeconds when refused, how long until a request may pass; 0 when allowed
     */
    record Decision(boolean allowed, long limit, long remaining, long resetEpochSecond, long retryAfterSeconds) {
    }

    private record Key(Category category, String client) {
    }

    private static final class Entry {
        final Bucket bucket;
        volatile long lastUsedNanos;

        Entry(Bucket bucket, long now) {
            this.bucket = bucket;
            this.lastUsedNanos = now;
        }
    }

    private final int generalRpm;
    private final Clock wallClock;
    private final Map<Key, Entry> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweepNanos = System.nanoTime();

    RateLimits(int generalRpm, Clock wallClock) {
        this.generalRpm = generalRpm;
        this.wallClock = wallClock;
    }

    int limit(Category category) {
        if (category == Category.AUTH) {
            return AUTH_RPM;
        }
        if (category == Category.GATEWAY) {
            return generalRpm * GATEWAY_FACTOR;
        }
        return category == Category.CAPTURE ? generalRpm * CAPTURE_FACTOR : generalRpm;
    }

    /** Takes one request from the client's bucket for {@code category}. */
    Decision take(Category category, String client) {
        long now = System.nanoTime();
        sweepIfDue(now);
        Entry entry = buckets.computeIfAbsent(new Key(category, client),
                key -> new Entry(newBucket(limit(category)), now));
        entry.lastUsedNanos = now;
        ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
        long nowMillis = wallClock.millis();
        long reset = ceilSeconds(TimeUnit.MILLISECONDS.toNanos(nowMillis) + probe.getNanosToWaitForReset());
        if (probe.isConsumed()) {
            return new Decision(true, limit(category), probe.getRemainingTokens(), reset, 0);
        }
        long retryAfter = Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return new Decision(false, limit(category), 0, reset, retryAfter);
    }

    int size() {
        return buckets.size();
    }

    private static Bucket newBucket(int perMinute) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillIntervally(perMinute, WINDOW))
                .build();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    private void sweepIfDue(long now) {
        if (now - lastSweepNanos < SWEEP_EVERY_NANOS && buckets.size() < MAX_CLIENTS) {
            return;
        }
        synchronized (this) {
            if (now - lastSweepNanos < SWEEP_EVERY_NANOS && buckets.size() < MAX_CLIENTS) {
                return;
            }
            lastSweepNanos = now;
            long idleLimit = WINDOW.toNanos();
            buckets.values().removeIf(entry -> now - entry.lastUsedNanos > idleLimit);
            if (buckets.size() >= MAX_CLIENTS) {
                List<Map.Entry<Key, Entry>> entries = new ArrayList<>(buckets.entrySet());
                entries.sort(Comparator.comparingLong(e -> e.getValue().lastUsedNanos));
                entries.subList(0, entries.size() / 2).forEach(e -> buckets.remove(e.getKey(), e.getValue()));
            }
        }
    }
}
