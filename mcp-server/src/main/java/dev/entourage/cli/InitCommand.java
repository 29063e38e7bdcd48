package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.IssuedKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code entourage init}: creates the database, the {@code default} team and a first admin key (printed once and
 * saved, readable only by its owner, as {@code admin.key} beside the database); idempotent.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create the ledger database, the 'default' team and a first admin key (printed once, also "
                + "saved with mode 0600 as admin.key beside the database).", "Running it again changes nothing."})
final class InitCommand implements Callable<Integer> {
    /** The file beside the database that holds the first admin key. */
    static final String ADMIN_KEY_FILE = "admin.key";

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print {\"team_id\", \"team\", \"admin_key\", \"admin_key_file\", "
            + "\"database\", \"created\"}; admin_key is null when the team had an admin key already.")
    boolean json;

    @Override
    public Integer call() {
        boolean existed = Ledger.exists(store.location().db());
        try (Ledger ledger = store.create()) {
            Team team = ledger.services().settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME));
            Optional<IssuedKey> adminKey = ledger.access().firstAdminKey();
            String database = ledger.admin().location();
            Path keyFile = database.contains("://") ? serverKeyFile() : Path.of(database).resolveSibling(ADMIN_KEY_FILE);
            String saveProblem = null;
            if (adminKey.isPresent()) {
                try {
                    Files.createDirectories(keyFile.toAbsolutePath().getParent());
                    save(keyFile, adminKey.get().secret());
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    saveProblem = e.getClass().getSimpleName();
                }
            }
            boolean saved = adminKey.isPresent() && saveProblem == null;
            if (json) {
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("team_id", team.id());
                node.put("team", team.name());
                node.put("admin_key", adminKey.map(IssuedKey::secret).orElse(null));
                node.put("admin_key_file", saved ? keyFile.toString() : null);
                node.put("database", database);
                node.put("created", !existed);
                Output.json(node);
            } else {
                if (!existed) {
                    Output.out().println("Created the ledger at " + database + " with team '" + team.name() + "' (id "
                            + team.id() + ").");
                } else if (adminKey.isEmpty()) {
                    Output.out().println("The ledger at " + database + " already exists; nothing changed.");
                } else {
                    Output.out().println("The ledger at " + database + " already exists; team '" + team.name()
                            + "' had no working admin key, so here is a new one.");
                }
                adminKey.ifPresent(key -> {
                    Output.out().println("Its admin key (" + key.key().prefix() + "...), shown only this once"
                            + (saved ? " and saved to " + keyFile + " (readable only by you):" : ":"));
                    Output.out().println(key.secret());
                });
            }
            if (saveProblem != null) {
                System.err.println("entourage: could not save the admin key to " + keyFile + " (" + saveProblem
                        + "); copy it from the output now, it cannot be shown again.");
                return EntourageCommand.FAILURE;
            }
        }
        return 0;
    }

    /**
     * Where the admin key of a ledger on a database server goes, as there is no file to put it beside: in
     * {@code $ENTOURAGE_HOME}, else {@code $HOME/.entourage} (created if needed).
     */
    private Path serverKeyFile() {
        String home = store.env().get("ENTOURAGE_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(store.home(), ".entourage");
        return dir.resolve(ADMIN_KEY_FILE);
    }

    /**
     * Writes {@code key} to {@code file} through a temporary file created owner-only (0600 on POSIX file systems)
     * and moved into place, so the key is never readable by others, not even for a moment.
     */
    static void save(Path file, String key) throws IOException {
        Path dir = file.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(dir, "." + ADMIN_KEY_FILE, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + ADMIN_KEY_FILE, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
