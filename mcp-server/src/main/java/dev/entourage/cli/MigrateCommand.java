package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.store.SqliteToPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code entourage migrate --from sqlite:PATH --to postgresql://…}: copies a SQLite ledger with its history into an
 * empty PostgreSQL database and checks the copy by its totals. Exit 0 copied and verified, 1 a total did not agree
 * (nothing kept) or a database could not be read, 2 a usage error, a source not at the newest schema or a target
 * already holding data (nothing written).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy a SQLite ledger, with all its history, into an empty PostgreSQL database.",
                "The source is only read (stop its writers for an exact copy: what they write later is not copied). "
                        + "The copy is one transaction, committed only when every table's rows and every team's "
                        + "spend agree on both sides; a target that already holds data is refused."})
final class MigrateCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Option(names = "--from", required = true, paramLabel = "sqlite:PATH",
            description = "The SQLite ledger: sqlite:PATH, jdbc:sqlite:PATH or a bare path.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "postgresql://USER@HOST/DB",
            description = "The PostgreSQL database: postgresql://… or jdbc:postgresql://… (password: PGPASSWORD or "
                    + "~/.pgpass).")
    String to;

    @Option(names = "--json", description = "Print {\"from\", \"to\", \"tables\", \"rows\", \"teams\", "
            + "\"spend_usd\", \"seconds\", \"mismatches\"}.")
    boolean json;

    MigrateCommand(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public Integer call() {
        if (!SqliteToPostgres.namesPostgres(to)) {
            throw LedgerException.invalid("to", "not a PostgreSQL URL; write postgresql://user@host:5432/database");
        }
        Path file = sourceFile();
        if (!Files.isRegularFile(file)) {
            throw new LedgerException(ErrorCode.NOT_FOUND, "there is no SQLite ledger at " + file
                    + " (from --from); name the ledger's database file, e.g. ~/.entourage/entourage.db",
                    Map.of("field", "from"), null);
        }
        long started = System.nanoTime();
        SqliteToPostgres.Result result;
        try (Connection source = openReadOnly(file)) {
            result = SqliteToPostgres.copy(source, file.toString(), to, env, Clock.systemUTC());
        } catch (SQLException e) {
            throw new LedgerException(ErrorCode.STORAGE_UNAVAILABLE, "cannot read the SQLite ledger at " + file
                    + "; check it with `entourage doctor --db " + file + "`", Map.of("field", "from"), null);
        } catch (LedgerException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            System.err.println("entourage: " + e.getMessage());
            return EntourageCommand.USAGE;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        print(file, result, seconds);
        if (!result.mismatches().isEmpty()) {
            result.mismatches().forEach(m -> System.err.println("entourage: mismatch in " + m));
            System.err.println("entourage: the copy did not agree with " + file + "; nothing was kept in "
                    + result.target() + ".");
            return EntourageCommand.FAILURE;
        }
        return 0;
    }

    private void print(Path file, SqliteToPostgres.Result result, double seconds) {
        String spend = Output.dollars(result.spendMicros());
        if (json) {
            ObjectNode node = Json.mapper().createObjectNode();
            node.put("from", file.toString());
            node.put("to", result.target());
            ObjectNode tables = node.putObject("tables");
            result.rows().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> tables.put(e.getKey(), e.getValue()));
            node.put("rows", result.totalRows());
            node.put("teams", result.teams());
            node.put("spend_usd", dev.entourage.ledger.Money.format(result.spendMicros()));
            node.put("seconds", Math.round(seconds * 1000) / 1000.0);
            com.fasterxml.jackson.databind.node.ArrayNode mismatches = node.putArray("mismatches");
            result.mismatches().forEach(mismatches::add);
            Output.json(node);
        } else if (result.mismatches().isEmpty()) {
            Output.out().printf("Migrated %s to %s: %d tables, %d rows, %d teams, %s spent, verified, in %.1f s.%n",
                    file, result.target(), result.rows().size(), result.totalRows(), result.teams(), spend, seconds);
        }
    }

    private Path sourceFile() {
        String path = from;
        for (String prefix : new String[] {"jdbc:sqlite:", "sqlite:"}) {
            if (path.startsWith(prefix)) {
                path = path.substring(prefix.length());
                break;
            }
        }
        if (path.startsWith("//")) {
            path = path.substring(1);
        }
        if (path.isBlank()) {
            throw LedgerException.invalid("from", "name the SQLite ledger: sqlite:PATH");
        }
        String home = env.get("HOME");
        if ((path.equals("~") || path.startsWith("~/")) && home != null && !home.isBlank()) {
            path = home + path.substring(1);
        }
        return Path.of(path);
    }

    private static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        connection.setAutoCommit(false);
        return connection;
    }
}
