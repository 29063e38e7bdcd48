package dev.entourage.cli;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * Where the ledger lives and which price table it uses; shared by every command that opens the ledger.
 *
 * <p>The database is {@code --db}, else {@code ENTOURAGE_DB}, else {@code $ENTOURAGE_HOME/entourage.db}, else
 * {@code $HOME/.entourage/entourage.db} (Java's {@code user.home} only when {@code HOME} is unset); {@code ~/} is
 * expanded with the same home. Only {@code init} creates a ledger, and {@code serve} and {@code mcp} with
 * {@code --create} or on the default path; elsewhere a missing ledger is refused, so a typo in a path never opens
 * an empty, unlimited ledger.
 */
public final class StoreOptions {
    /** The database file's name inside {@code ENTOURAGE_HOME} and {@code ~/.entourage}. */
    static final String FILE = "entourage.db";

    private final Map<String, String> env;

    @Option(names = "--db", paramLabel = "PATH",
            description = "The ledger database file (env ENTOURAGE_DB; default: $ENTOURAGE_HOME/" + FILE
                    + ", else ~/.entourage/" + FILE + ").")
    String db;

    /** The price table replacing the bundled one ({@code --prices} of the commands that price usage), or null. */
    Path prices;

    StoreOptions() {
        this(System.getenv());
    }

    StoreOptions(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** A resolved ledger location: what to hand the store, where it came from, and whether it is the default. */
    public record Location(String db, String source, boolean isDefault) {
    }

    /** Resolves the ledger's location from the option and the environment, without touching the file. */
    public Location location() {
        String home = home();
        if (db != null) {
            return new Location(expand(required(db, "--db"), home), "--db", false);
        }
        String fromEnv = env.get("ENTOURAGE_DB");
        if (fromEnv != null) {
            return new Location(expand(required(fromEnv, "ENTOURAGE_DB"), home), "ENTOURAGE_DB", false);
        }
        String entourageHome = env.get("ENTOURAGE_HOME");
        if (entourageHome != null) {
            Path dir = Path.of(expand(required(entourageHome, "ENTOURAGE_HOME"), home));
            return new Location(dir.resolve(FILE).toString(), "ENTOURAGE_HOME", false);
        }
        return new Location(Path.of(home, ".entourage", FILE).toString(), "default", true);
    }

    /** Opens an existing ledger; a missing one is refused (exit 1) naming the path and {@code entourage init}. */
    public Ledger open() {
        return open(false, false);
    }

    /**
     * Opens the ledger for {@code serve} and {@code mcp}: creates it when {@code create} ({@code --create}) is set
     * or it is the default path; else a missing ledger is refused.
     */
    Ledger openForService(boolean create) {
        return open(create, true);
    }

    /** Opens the ledger, creating it if it does not exist ({@code entourage init}). */
    Ledger create() {
        return open(true, false);
    }

    private Ledger open(boolean create, boolean service) {
        Location location = location();
        check(location);
        boolean mayCreate = create || service && location.isDefault();
        if (!mayCreate && !Ledger.exists(location.db())) {
            String shown = withoutPassword(location.db());
            throw new LedgerException(ErrorCode.NOT_FOUND, "there is no ledger at " + shown + " (from "
                    + location.source() + "); create it with `entourage init" + (location.isDefault() ? ""
                    : " --db " + shown) + "`" + (service ? " (or pass --create)" : "")
                    + ", or fix the path", Map.of("field", "db"), null);
        }
        return Ledger.open(location.db(), prices, Clock.systemUTC());
    }

    /** {@code db} as it may be shown: a database URL without the password in it ({@code user:PASSWORD@}, {@code password=}). */
    static String withoutPassword(String db) {
        return db.replaceAll("(://[^:/@?]*):[^@/?]*@", "$1@").replaceAll("(?i)([?&;]password=)[^&;]*", "$1***");
    }

    private static void check(Location location) {
        if (location.db().startsWith("jdbc:")) {
            return;
        }
        Path file = Path.of(location.db());
        if (Files.isDirectory(file)) {
            throw storage(location.db() + " (from " + location.source() + ") is a directory; name the database "
                    + "file, e.g. " + file.resolve(FILE));
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw storage(location.db() + " (from " + location.source() + ") is read-only; the ledger must be "
                    + "writable by this user (check its permissions)");
        }
    }

    /** The environment the command runs in ({@code HOME}, {@code ENTOURAGE_KEY}, …). */
    public Map<String, String> env() {
        return env;
    }

    /** {@code $HOME}, else Java's {@code user.home}: the home every default path is under. */
    public String home() {
        String home = env.get("HOME");
        return home == null || home.isBlank() ? System.getProperty("user.home") : home;
    }

    private static String expand(String path, String home) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home + path.substring(1) : path;
    }

    private static String required(String value, String source) {
        if (value.isBlank()) {
            throw storage(source + " is set but empty; name the ledger's database file (or unset it for the "
                    + "default ~/.entourage/" + FILE + ")");
        }
        return value;
    }

    private static LedgerException storage(String message) {
        return new LedgerException(ErrorCode.STORAGE_UNAVAILABLE, message, Map.of("field", "db"), null);
    }
}
