package dev.entourage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.app.Ledger;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.access.User;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entourage users}: people who log in for an access token. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "People who log in (POST /api/v1/auth/login).",
        subcommands = UsersCommand.Add.class)
final class UsersCommand {
    /** Longest password line read from stdin; the service refuses anything over 1024 characters anyway. */
    static final int MAX_LINE = 4096;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a person who logs in with email and password (at least 12 characters).",
                    "The password is asked twice on the terminal, or read from the first line of stdin with "
                            + "--password-stdin.",
                    "Example: printf '%%s\\n' \"$PASSWORD\" | entourage users add alice@example.com --role viewer "
                            + "--password-stdin"})
    static final class Add implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "EMAIL", description = "The person's email address; it is their login.")
        String email;

        @Option(names = "--role", required = true, paramLabel = "admin|viewer",
                description = "admin changes settings, keys and kills; viewer reads.")
        String role;

        @Option(names = "--team", paramLabel = "NAME", defaultValue = Team.DEFAULT_NAME,
                description = "The person's team (default: ${DEFAULT-VALUE}).")
        String team;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Option(names = "--json", description = "Print {\"id\", \"email\", \"role\", \"team_id\", \"created_at\"}.")
        boolean json;

        @Override
        public Integer call() {
            Role userRole = Role.fromWire("--role", role == null ? null : role.toLowerCase(Locale.ROOT));
            if (userRole == Role.AGENT) {
                throw LedgerException.invalid("--role", "must be admin or viewer; agents use API keys "
                        + "(entourage keys create --role agent --agent NAME)");
            }
            char[] password = passwordStdin ? readLine(System.in) : fromConsole(email);
            try (Ledger ledger = store.open()) {
                User user = ledger.access().addUser(email, userRole, team, password);
                if (json) {
                    ObjectNode node = Json.mapper().createObjectNode();
                    node.put("id", user.id());
                    node.put("email", user.email());
                    node.put("role", user.role().wireName());
                    node.put("team_id", user.teamId());
                    node.put("created_at", KeysCommand.time(user.createdAt()));
                    Output.json(node);
                } else {
                    Output.out().println("Added " + user.role().wireName() + " " + user.email() + " to team '" + team
                            + "' (user " + user.id() + "). They log in with POST /api/v1/auth/login.");
                }
            } finally {
                Arrays.fill(password, '\0');
            }
            return 0;
        }
    }

    /** Asks twice with echo off; refuses (exit 2) without a terminal or when the entries differ. */
    static char[] fromConsole(String email) {
        Console console = System.console();
        if (console == null) {
            throw LedgerException.invalid("password", "there is no terminal to ask for it; pipe it in with "
                    + "--password-stdin instead");
        }
        char[] first = console.readPassword("Password for %s (at least 12 characters): ", email);
        char[] second = first == null ? null : console.readPassword("The same password again: ");
        try {
            if (first == null || second == null) {
                throw LedgerException.invalid("password", "none was entered; nothing was written");
            }
            if (!Arrays.equals(first, second)) {
                throw LedgerException.invalid("password", "the two entries differ; nothing was written");
            }
            return first.clone();
        } finally {
            clear(first);
            clear(second);
        }
    }

    /** The first line of {@code in} without its line end, read into a char array (no String is made). */
    static char[] readLine(InputStream in) {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        char[] buffer = new char[64];
        int length = 0;
        try {
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (length == MAX_LINE) {
                    throw LedgerException.invalid("password", "the line on stdin is too long");
                }
                if (length == buffer.length) {
                    char[] bigger = Arrays.copyOf(buffer, buffer.length * 2);
                    clear(buffer);
                    buffer = bigger;
                }
                buffer[length++] = (char) c;
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            return Arrays.copyOf(buffer, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password from stdin", e);
        } finally {
            clear(buffer);
        }
    }

    private static void clear(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }
}
