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
        String reason = reason(cause);
        LOG.warn("Storage failure on {} ({}): {}", what, location, cause == null ? "" : rootMessage(cause));
        return new StorageUnavailableException("The ledger's storage is unavailable (" + reason
                + "); nothing was written. Retry shortly.", cause);
    }

    private static String reason(Throwable cause) {
        String text = rootMessage(cause);
        if (text.contains("SQLITE_BUSY") || text.contains("locked")) {
            return "busy: another process holds the database";
        }
        if (text.contains("SQLITE_FULL") || text.contains("full")) {
            return "the disk or database is full";
        }
        if (text.contains("SQLITE_CORRUPT") || text.contains("malformed") || text.contains("SQLITE_NOTADB")) {
            return "the database file is damaged";
        }
        if (text.contains("SQLITE_READONLY")) {
            return "the database is read-only";
        }
        return "storage error";
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null || root.getMessage() == null ? "" : root.getMessage();
    }
}
