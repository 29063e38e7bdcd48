package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerReader;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.spi.StoreFacts;
import dev.entourage.ledger.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
public final class SqliteLedgerStore implements ManagedStore {
    /** How long a write waits for another process's write lock before failing as busy. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Read connections kept open for reuse: as many as requests read at once under load (16 clients keep about 16
     * busy); opening one costs far more than the read it serves.
     */
    private static final int MAX_IDLE_READERS = 32;

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
            writeHandle = openRetryingWhileBusy(writeJdbi, busyTimeout);
            checkIntegrity(writeHandle, file);
            Migrations.apply(writeHandle, Dialect.SQLITE, clock);
            writeHandle.setStatementBuilder(new CachingStatementBuilder());
            ReadConnections reads = new ReadConnections(
                    dataSource(file, busyTimeout, SQLiteConfig.TransactionMode.DEFERRED)::getConnection,
                    MAX_IDLE_READERS);
            return new SqliteLedgerStore(file, reads, Jdbi.create(reads), new GroupCommitWriter(writeHandle, faults,
                    new WalFlusher(file.toAbsolutePath())),
                    faults);
        } catch (LedgerException e) {
            closeQuietly(writeHandle);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(writeHandle);
            StorageUnavailableException failure = faults.unavailable("open " + file, e);
            if (isDamage(e)) {
                throw damaged(file, "it is not a readable ledger database", failure);
            }
            throw failure;
        }
    }

    /**
     * Opens the writer's connection. Switching a new file to WAL, while other processes open it too, can be refused
     * as busy at once (SQLite does not wait on that lock), so the open is retried until {@code busyTimeout}.
     */
    private static Handle openRetryingWhileBusy(Jdbi jdbi, Duration busyTimeout) {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            try {
                return jdbi.open();
            } catch (RuntimeException e) {
                if (!isBusy(e) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the database was busy", interrupted);
            }
        }
    }

    private static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("SQLITE_BUSY")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the driver says the file is not a database or is malformed (as opposed to busy, full, read-only). */
    private static boolean isDamage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getMessage() == null ? "" : t.getMessage();
            if (text.contains("SQLITE_CORRUPT") || text.contains("SQLITE_NOTADB") || text.contains("malformed")
                    || text.contains("not a database")) {
                return true;
            }
        }
        return false;
    }

    private static StorageUnavailableException damaged(Path file, String what, Throwable cause) {
        return new StorageUnavailableException("The database " + file + " is damaged (" + what + "). Nothing will "
                + "be written to it. Restore it from a backup (entourage backup makes one) or move it aside to "
                + "start afresh.", cause);
    }

    /**
     * Connections to {@code file}: WAL, fully synchronous, foreign keys on. Generated keys are off: every insert that
     * needs its id reads it with {@code RETURNING}, and with them on the driver compiles and runs
     * {@code SELECT last_insert_rowid()} after every INSERT.
     */
    private static SQLiteDataSource dataSource(Path file, Duration busyTimeout, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        config.enforceForeignKeys(true);
        config.setTransactionMode(mode);
        config.setGetGeneratedKeys(false);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return dataSource;
    }

    private static void checkIntegrity(Handle handle, Path file) {
        List<String> problems = handle.createQuery("PRAGMA quick_check").mapTo(String.class).list();
        if (!problems.equals(List.of("ok"))) {
            throw damaged(file, "quick_check found " + problems.size() + " problem(s)", null);
        }
    }

    @Override
    public String location() {
        return file.toAbsolutePath().toString();
    }

    public Path file() {
        return file;
    }

    @Override
    public <T> T read(Function<LedgerReader, T> work) {
        ReadConnections.Lease lease;
        try {
            lease = readConnections.lease();
        } catch (SQLException e) {
            throw faults.unavailable("read", e);
        }
        List<Handle> opened = new ArrayList<>(1);
        try (lease) {
            PreparedCache sql = lease.statements();
            sql.update("BEGIN");
            try {
                T result = work.apply(new JdbiLedgerAccess(() -> {
                    Handle handle = lease.jdbi().open();
                    opened.add(handle);
                    return handle;
                }, sql));
                sql.update("COMMIT");
                return result;
            } catch (RuntimeException e) {
                rollback(lease);
                throw e;
            } finally {
                opened.forEach(Handle::close);
            }
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw faults.unavailable("read", e);
        }
    }

    private static void rollback(ReadConnections.Lease lease) {
        try {
            lease.statements().update("ROLLBACK");
        } catch (RuntimeException e) {
            lease.discard();
        }
    }

    @Override
    public <T> T write(Function<LedgerWriter, T> work) {
        return writer.submit(handle -> work.apply(new JdbiLedgerAccess(() -> handle, writer.statements())), false);
    }

    /** How many writes wait for the writer (while one runs). */
    int queuedWrites() {
        return writer.queued();
    }

    /** Test hook: how many times the write-ahead log was synced after unflushed commits. */
    long walSyncs() {
        return writer.walSyncs();
    }

    /**
     * A write committed with {@code synchronous=NORMAL} when nothing durable shares its transaction: a crash of the
     * process loses nothing; the log is synced within {@link WalFlusher#DELAY} (a power cut in that moment may lose
     * it).
     */
    @Override
    public <T> T writeUnflushed(Function<LedgerWriter, T> work) {
        return writer.submitUnflushed(handle -> work.apply(new JdbiLedgerAccess(() -> handle, writer.statements())));
    }

    /**
     * A write that waits at most {@link GroupCommitWriter#YIELDING_TIMEOUT_MILLIS} ms for another process's write
     * lock (unless it shares its transaction with other writes).
     */
    @Override
    public <T> T writeUnlessBusy(Function<LedgerWriter, T> work) {
        return writer.submit(handle -> work.apply(new JdbiLedgerAccess(() -> handle, writer.statements())), true);
    }

    /**
     * Runs SQLite's full {@code PRAGMA integrity_check} on a read connection (writers go on meanwhile: it reads
     * one consistent snapshot) and returns the problems it found; empty when the database is sound.
     *
     * @throws StorageUnavailableException when the check cannot run at all (e.g. the file is unreadable)
     */
    @Override
    public List<String> integrityCheck() {
        List<String> answer = onReadConnection("check integrity",
                handle -> handle.createQuery("PRAGMA integrity_check").mapTo(String.class).list());
        return answer.equals(List.of("ok")) ? List.of() : List.copyOf(answer);
    }

    /**
     * Writes a consistent copy of the live database to {@code target} with {@code VACUUM INTO}, from one read
     * snapshot, while writers go on; the copy is a complete ledger (not in WAL mode until opened as one).
     *
     * @return the size of the copy in bytes
     * @throws LedgerException {@code invalid_request} naming {@code FILE} when {@code target} exists already
     * @throws StorageUnavailableException when the copy cannot be written
     */
    @Override
    public long backup(Path target) {
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw LedgerException.invalid("FILE", absolute + " exists already; a backup never overwrites a file. "
                    + "Choose a new name or move the old file away.");
        }
        if (absolute.equals(file.toAbsolutePath().normalize())) {
            throw LedgerException.invalid("FILE", "the backup must not be the live database itself");
        }
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw faults.unavailable("create the backup directory", e);
        }
        onReadConnection("back up to " + absolute, handle -> {
            handle.execute("VACUUM INTO ?", absolute.toString());
            return null;
        });
        try (java.nio.channels.FileChannel copy = java.nio.channels.FileChannel.open(absolute,
                java.nio.file.StandardOpenOption.WRITE)) {
            copy.force(true); // VACUUM INTO does not sync its output; a backup must survive a power cut
            return copy.size();
        } catch (IOException e) {
            throw faults.unavailable("sync the backup", e);
        }
    }

    /** A few facts about the open database, for {@code entourage doctor}; read on a read connection. */
    @Override
    public StoreFacts facts() {
        return onReadConnection("read database facts", handle -> {
            Integer version = handle.createQuery("SELECT MAX(version) FROM schema_migrations")
                    .mapTo(Integer.class).one();
            String journal = handle.createQuery("PRAGMA journal_mode").mapTo(String.class).one();
            long sessions = handle.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Long.class).one();
            long usage = handle.createQuery("SELECT COUNT(*) FROM usage_events").mapTo(Long.class).one();
            return new StoreFacts(location(), sizeOf(file), sizeOf(Path.of(file + "-wal")),
                    version == null ? 0 : version, journal, sessions, usage);
        });
    }

    private static long sizeOf(Path path) {
        try {
            return Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Test hook: runs {@code PRAGMA <setting>} on the writer connection, e.g. {@code max_page_count = 10}. */
    void pragmaOnWriter(String setting) {
        writer.submit(handle -> {
            handle.execute("PRAGMA " + setting);
            return null;
        }, false);
    }

    /** Runs {@code work} outside any transaction on a pooled read connection (VACUUM refuses a transaction). */
    private <T> T onReadConnection(String what, Function<Handle, T> work) {
        try {
            return readJdbi.withHandle(work::apply);
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isDamage(e)) {
                throw damaged(file, "SQLite reports a malformed file", faults.unavailable(what, e));
            }
            throw faults.unavailable(what, e);
        }
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
