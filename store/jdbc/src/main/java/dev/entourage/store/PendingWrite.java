package dev.entourage.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One write queued for a group commit: its work on the writer's context {@code C}, and the answer its caller waits
 * for, given only once the transaction holding it has committed (or failed).
 *
 * @param <C> what the work runs on (a Jdbi handle, the ledger access)
 * @param <T> what the work returns
 */
final class PendingWrite<C, T> {
    private final Function<C, T> work;
    private final boolean yielding;
    private final boolean flushed;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;
    private RuntimeException failure;

    PendingWrite(Function<C, T> work, boolean yielding) {
        this(work, yielding, true);
    }

    /** @param flushed whether the caller's answer must wait until the write is on the disk */
    PendingWrite(Function<C, T> work, boolean yielding, boolean flushed) {
        this.work = work;
        this.yielding = yielding;
        this.flushed = flushed;
    }

    /** Whether the answer waits for the disk; a batch with no such write may commit without a flush. */
    boolean flushed() {
        return flushed;
    }

    /** Whether the work may give up early on a busy database (a write that may be dropped). */
    boolean yielding() {
        return yielding;
    }

    /** Runs the work, keeping its value for {@link #complete()}; it throws what the work throws. */
    void run(C context) {
        failure = null;
        value = work.apply(context);
    }

    /** The piece's own failure: given to its caller at {@link #complete()} while the others commit. */
    void failed(RuntimeException e) {
        value = null;
        failure = e;
    }

    /** The failure {@link #failed} kept, or null. */
    RuntimeException failure() {
        return failure;
    }

    /** The transaction committed: the caller gets the value, or the piece's own failure. */
    void complete() {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    /** The whole transaction failed: the caller gets {@code e}. */
    void fail(RuntimeException e) {
        result.completeExceptionally(e);
    }

    /** Waits for the answer; a failure is thrown as it was given. */
    T await() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }
}
