package dev.entourage.cli;

import dev.entourage.app.Ledger;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** Where the ledger lives and which price table it uses; shared by every command that opens the ledger. */
final class StoreOptions {
    @Option(names = "--db", paramLabel = "PATH|JDBC_URL",
            defaultValue = "${env:ENTOURAGE_DB:-~/.entourage/entourage.db}",
            description = "The ledger database: a SQLite file path (env ENTOURAGE_DB; default: ${DEFAULT-VALUE}).")
    String db;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "A price table (CSV, see `entourage prices --help`) replacing the bundled one.")
    Path prices;

    Ledger open() {
        return Ledger.open(db, prices, Clock.systemUTC());
    }
}
