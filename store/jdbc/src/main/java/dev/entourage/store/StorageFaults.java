package dev.entourage.store;

import dev.entourage.ledger.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns driver failures into {@link StorageUnavailableException}s whose message is safe to show a caller:
 * the driver's text (which may hold SQL) goes to the log only.
 */
final class StorageFaults {
    private static final Logger LOG = LoggerFactory.getLogger(StorageFaults.class);
    private final String location;

    StorageFaults(String location) {
        this.location = location;
    }

    StorageUnavailableException unavailable(String what, Throwable cause) {
        LOG.warn("Storage failure on {} ({}): {}", what, location, cause == null ? "" : rootMessage(cause));
        return failure(cause);
    }

    /** The same, logged at DEBUG only: for a write that may be dropped (it is tried again later). */
    StorageUnavailableException unavailableQuietly(String what, Throwable cause) {
        LOG.debug("Storage failure on {} ({}): {}", what, location, cause == null ? "" : rootMessage(cause));
        return failure(cause);
    }

    /**
     * For a write whose connection was lost while its COMMIT was on the way: the server may have committed it or not,
     * and the caller is told so (a report retried with the same {@code event_id} counts once either way).
     */
    StorageUnavailableException unavailableMaybeWritten(String what, Throwable cause) {
        LOG.warn("Connection lost while committing a {} ({}): {}", what, location,
                cause == null ? "" : rootMessage(cause));
        return new StorageUnavailableException("The ledger's storage is unavailable (the connection was lost while "
                + "the write was being committed); it may or may not have been saved. A usage report retried with "
                + "the same event_id counts once.", cause);
    }

    private StorageUnavailableException failure(Throwable cause) {
        Fault fault = fault(cause);
        return new StorageUnavailableException("The ledger's storage is unavailable (" + fault.reason()
                + "); nothing was written. " + fault.advice(), cause);
    }

    /** What went wrong and what to do: only a busy database is worth retrying as it is. */
    private record Fault(String reason, String advice) {
    }

    private Fault fault(Throwable cause) {
        String text = rootMessage(cause);
        if (text.contains("SQLITE_BUSY") || text.contains("locked")) {
            return new Fault("busy: another process holds the database", "Retry shortly.");
        }
        if (text.contains("SQLITE_FULL") || text.contains("full")) {
            return new Fault("the disk or database is full", "Free some space, then retry.");
        }
        if (text.contains("SQLITE_CORRUPT") || text.contains("malformed") || text.contains("SQLITE_NOTADB")) {
            return new Fault("the database file is damaged", "Run `entourage doctor` on " + location + ".");
        }
        if (text.contains("SQLITE_READONLY")) {
            return new Fault("the database is read-only", "Make " + location
                    + " and its directory writable by this user.");
        }
        if (text.contains("SQLITE_CANTOPEN") || cause instanceof java.io.IOException) {
            return new Fault("cannot open " + location, "Check that the path names a file in a directory this "
                    + "user can write.");
        }
        return new Fault("storage error", "Check " + location + " with `entourage doctor`.");
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null || root.getMessage() == null ? "" : root.getMessage();
    }
}
