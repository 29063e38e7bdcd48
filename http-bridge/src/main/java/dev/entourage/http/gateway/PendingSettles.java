package dev.entourage.http.gateway;

import dev.entourage.ledger.BudgetExceededException;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ledger writes of calls whose answers have already gone to the client: a call is settled (or floored) after its
 * response completes, so that the client's last byte never waits for the ledger. Until a settle has run, the call's
 * hold still counts against every budget it sits on (a hold is never less than the floor the call is charged), so a
 * budget read in between sees at least the call's cost and nothing overshoots. What the delay could do is refuse the
 * next call of an agent that is near its limit on the strength of a hold that is about to shrink; {@link #begin}
 * therefore waits for the settles already started and tries once more before a refusal stands. A gateway stopping
 * waits for every settle ({@link #awaitAll}) before the ledger closes.
 *
 * <p>Shared by every gateway of a bridge: one agent's calls may go through more than one provider.
 */
public final class PendingSettles {
    /** How long a refused call waits for the settles started before it. */
    static final long REFUSAL_WAIT_MILLIS = 2_000;
    /** How long a stopping gateway waits for every settle. */
    static final long STOP_WAIT_MILLIS = 10_000;

    private final TreeSet<Long> running = new TreeSet<>();
    private long issued;
    private long ended;

    /** Marks the start of a settle; the answer is given to {@link #ended}. */
    synchronized long started() {
        long ticket = ++issued;
        running.add(ticket);
        return ticket;
    }

    /**
     * The settle {@code work}, marked started now and ended once it has run: the caller must run the answer (a
     * settle never run holds up {@link #awaitAll} until its timeout).
     */
    Runnable later(Runnable work) {
        long ticket = started();
        return () -> {
            try {
                work.run();
            } finally {
                ended(ticket);
            }
        };
    }

    /** Marks the end of the settle {@code ticket} (whether it wrote or failed). */
    synchronized void ended(long ticket) {
        running.remove(ticket);
        ended++;
        notifyAll();
    }

    /**
     * Begins a call with {@code begin}. When it is refused over budget while settles were running as it began (or
     * one ended while it ran), waits for the settles that were running (up to {@value #REFUSAL_WAIT_MILLIS} ms) and
     * begins once more; otherwise, or when they did not end in time, the refusal stands.
     */
    <T> T begin(Supplier<T> begin) {
        long mark;
        long endedBefore;
        boolean runningBefore;
        synchronized (this) {
            mark = issued;
            endedBefore = ended;
            runningBefore = !running.isEmpty();
        }
        try {
            return begin.get();
        } catch (BudgetExceededException refused) {
            if (!runningBefore && !endedSince(endedBefore) || !awaitUpTo(mark, REFUSAL_WAIT_MILLIS)) {
                throw refused;
            }
            return begin.get();
        }
    }

    private synchronized boolean endedSince(long count) {
        return ended != count;
    }

    /**
     * Waits until every settle with a ticket up to {@code mark} has ended.
     *
     * @return whether they all ended within {@code timeoutMillis}
     */
    private synchronized boolean awaitUpTo(long mark, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!running.isEmpty() && running.first() <= mark) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !waitFor(left)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until no settle is running, up to {@code timeoutMillis}.
     *
     * @return whether none is left running
     */
    public synchronized boolean awaitAll(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!running.isEmpty()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !waitFor(left)) {
                return running.isEmpty();
            }
        }
        return true;
    }

    /** How many settles are running. */
    public synchronized int running() {
        return running.size();
    }

    private boolean waitFor(long millis) {
        try {
            wait(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
