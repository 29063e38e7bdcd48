package dev.entourage.store;

import org.jdbi.v3.core.Handle;

/**
 * What differs between the SQL databases the shared queries run on: where a dialect's migration scripts live, how
 * to ask whether a table exists, and how to keep two processes from migrating at once. Everything else the queries
 * say is portable ({@code ON CONFLICT … DO UPDATE}, {@code RETURNING}, {@code BIGINT}, {@code COALESCE}).
 */
enum Dialect {
    /** One file; a write transaction ({@code BEGIN IMMEDIATE}) already excludes every other writer. */
    SQLITE("db/sqlite/", "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name", null),
    /** A shared server; a transaction-scoped advisory lock makes the processes that start together migrate in turn. */
    POSTGRES("db/postgres/", "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = :name "
            + "AND table_schema = current_schema()", "SELECT 1 FROM (SELECT pg_advisory_xact_lock(4242001)) AS locked");

    private final String scripts;
    private final String tableCount;
    private final String migrationLock;

    Dialect(String scripts, String tableCount, String migrationLock) {
        this.scripts = scripts;
        this.tableCount = tableCount;
        this.migrationLock = migrationLock;
    }

    /** The class-path folder of this dialect's scripts, {@code V<n>__<name>.sql}, ending in a slash. */
    String scripts() {
        return scripts;
    }

    boolean hasTable(Handle handle, String name) {
        return handle.createQuery(tableCount).bind("name", name).mapTo(Integer.class).one() > 0;
    }

    /** Inside a migration's transaction: waits until no other process migrates this database. */
    void lockForMigration(Handle handle) {
        if (migrationLock != null) {
            handle.createQuery(migrationLock).mapTo(Integer.class).one();
        }
    }
}
