package dev.entourage.ledger.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Valid keys found by their hash in the last {@link #FRESH_FOR}, so a busy key costs the store one lookup a second
 * rather than one per request. Only keys that were found and not revoked are kept (an unknown key is looked up every
 * time, so guessing fills nothing), at most {@link #MAX_KEYS}. {@link #forgetAll} drops everything at once: called
 * when this process revokes a key and when another process writes; a lookup that began before it is not kept
 * (each lookup notes the {@linkplain #generation() generation} it began in).
 */
final class RecentKeys {
    /** How long a looked-up key is trusted without looking again: a revocation elsewhere takes effect within it. */
    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    static final int MAX_KEYS = 10_000;

    private record Entry(ApiKey key, Instant readAt) {
    }

    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Clock clock;

    RecentKeys(Clock clock) {
        this.clock = clock;
    }

    /** The key with this hash if it was looked up less than {@link #FRESH_FOR} ago. */
    Optional<ApiKey> fresh(String hash) {
        Entry entry = byHash.get(hash);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.readAt().plus(FRESH_FOR))) {
            byHash.remove(hash, entry);
            return Optional.empty();
        }
        return Optional.of(entry.key());
    }

    /** The generation to pass to {@link #remember}: read it before the lookup. */
    long generation() {
        return generation.get();
    }

    /** Keeps a valid key just looked up, unless {@link #forgetAll} ran since {@code since} was read. */
    void remember(String hash, ApiKey key, long since) {
        if (key.revokedAt() != null) {
            return;
        }
        if (byHash.size() >= MAX_KEYS) {
            byHash.clear();
        }
        byHash.put(hash, new Entry(key, clock.instant()));
        if (generation.get() != since) {
            byHash.remove(hash);
        }
    }

    /** Forgets every key: the next use of each is looked up again. */
    void forgetAll() {
        generation.incrementAndGet();
        byHash.clear();
    }
}
