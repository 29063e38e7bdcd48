package dev.entourage.ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered event ids in the UUIDv7 layout (48-bit Unix milliseconds, then random bits), strictly
 * increasing within a process so rows append to the end of the index.
 */
final class EventIds {
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong lastMillisAndCounter = new AtomicLong();

    EventIds(Clock clock) {
        this.clock = clock;
    }

    String next() {
        long stamp = lastMillisAndCounter.updateAndGet(previous -> {
            long millisShifted = clock.millis() << 12;
            return Math.max(millisShifted, previous + 1);
        });
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long high = (millis << 16) | 0x7000L | counter;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
