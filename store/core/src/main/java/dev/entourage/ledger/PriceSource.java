package dev.entourage.ledger;

import dev.entourage.ledger.pricing.PriceTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The price table in force and the file it was layered from ({@code --prices FILE}). A reload reads the whole file
 * into a new table and swaps the reference, so a reader prices a call by the old table or the new one, never a mix;
 * a file that does not parse leaves the old table in force.
 */
final class PriceSource {
    private static final Logger LOG = LoggerFactory.getLogger(PriceSource.class);

    private final Path file;
    private final Clock clock;
    private volatile PriceTable table;

    /** @param file the file {@code table} was layered from, or null for a table of no file (it cannot reload) */
    PriceSource(PriceTable table, Path file, Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.file = file;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    PriceTable table() {
        return table;
    }

    /** Replaces the table in force. */
    void use(PriceTable next) {
        table = Objects.requireNonNull(next, "table");
    }

    /**
     * Reads the file again, layered on the bundled table, and puts it in force.
     *
     * @throws LedgerException {@code conflict} when there is no file, {@code invalid_request} on field
     *                         {@code prices} naming the file and line when it does not parse (the old table stays)
     */
    synchronized PriceReload reload() {
        if (file == null) {
            throw new LedgerException(ErrorCode.CONFLICT, "no price file to reload: start with --prices FILE",
                    Map.of("field", "prices"), null);
        }
        PriceTable next = PriceTable.layered(file);
        table = next;
        PriceReload done = new PriceReload(next.book().version(), next.rows().size(), file, clock.instant());
        LOG.info("Prices reloaded from {}: version {}, {} rows", file, done.version(), done.rows());
        return done;
    }

    /**
     * Starts a daemon thread that looks at the file's modification time and size every {@code every} and reloads
     * it when they change; a file that does not parse is logged once (one line, no stack trace) until it changes
     * again. Closing the answer stops it. Without a file it watches nothing.
     */
    AutoCloseable watch(Duration every) {
        if (file == null) {
            return () -> { };
        }
        Thread thread = new Thread(() -> poll(every), "entourage-prices-watch");
        thread.setDaemon(true);
        thread.start();
        return thread::interrupt;
    }

    private void poll(Duration every) {
        String seen = stamp();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            String now = stamp();
            if (now.equals(seen)) {
                continue;
            }
            seen = now;
            try {
                reload();
            } catch (LedgerException e) {
                LOG.warn("Prices not reloaded, keeping version {}: {}", table.book().version(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("Prices not reloaded from {}, keeping version {}: {}", file, table.book().version(),
                        e.getClass().getSimpleName());
            }
        }
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }
}
