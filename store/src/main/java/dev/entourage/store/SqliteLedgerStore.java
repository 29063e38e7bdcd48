package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerReader;
import dev.entourage.ledger.LedgerStore;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The ledger in one SQLite file: WAL, {@code synchronous=FULL}, a busy timeout, foreign keys, {@code IMMEDIATE}
 * write transactions through one {@link GroupCommitWriter}, and a few read connections. Several processes
 * may share the file on a local disk.
 */
public final class SqliteLedgerStore implements LedgerStore {
    /** How long a write waits for another process's write lock before failing as busy. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    private final Path file;
    private final ReadConnections readConnections;
    private final Jdbi readJdbi;
    private final GroupCommitWriter writer;
    private final StorageFaults faults;

    private SqliteLedgerStore(Path file, ReadConnections readConnections, Jdbi readJdbi, GroupCommitWriter writer,
                              StorageFaults faults) {
        this.file = file;
        this.readConnections = readConnections;
        this.readJdbi = readJdbi;
        this.writer = writer;
        this.faults = faults;
    }

    /**
     * Opens (creating if needed) the database file, checks it, and brings its schema up to date.
     *
     * @throws StorageUnavailableException when the file cannot be opened, is damaged, or cannot be migrated
     */
    public static SqliteLedgerStore open(Path file, Duration busyTimeout, Clock clock) {
        Objects.requireNonNull(file, "file");
        StorageFaults faults = new StorageFaults(file.toString());
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw faults.unavailable("create the database directory", e);
        }
        Jdbi writeJdbi = Jdbi.create(dataSource(file, busyTimeout, SQLiteConfig.TransactionMode.IMMEDIATE));
        Handle writeHandle = null;
        try {
            writeHandle = writeJdbi.open();
            checkIntegrity(writeHandle, file);
            Migrations.apply(writeHandle, clock);
            ReadConnections reads = new ReadConnections(
                    dataSource(file, busyTimeout, SQLiteConfig.TransactionMode.DEFERRED)::getConnection, 4);
            return new SqliteLedgerStore(file, reads, Jdbi.create(reads), new GroupCommitWriter(writeHandle, faults),
                    faults);
        } catch (LedgerException e) {
            closeQuietly(writeHandle);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(writeHandle);
            throw faults.unavailable("open " + file, e);
        }
    }

    private static SQLiteDataSource dataSource(Path file, Duration busyTimeout, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        config.enforceForeignKeys(true);
        config.setTransactionMode(mode);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return dataSource;
    }

    private static void checkIntegrity(Handle handle, Path file) {
        List<String> problems = handle.createQuery("PRAGMA quick_check").mapTo(String.class).list();
        if (!problems.equals(List.of("ok"))) {
            throw new StorageUnavailableException("The database " + file + " is damaged (quick_check found "
                    + problems.size() + " problem(s)). Nothing will be written to it. Restore it from a backup "
                    + "or move it aside to start afresh.", null);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public <T> T read(Function<LedgerReader, T> work) {
        try {
            return readJdbi.inTransaction(handle -> work.apply(new JdbiLedgerAccess(handle)));
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw faults.unavailable("read", e);
        }
    }

    @Override
    public <T> T write(Function<LedgerWriter, T> work) {
        return writer.submit(handle -> work.apply(new JdbiLedgerAccess(handle)));
    }

    @Override
    public void close() {
        writer.close();
        readConnections.close();
    }

    private static void closeQuietly(Handle handle) {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }
}
