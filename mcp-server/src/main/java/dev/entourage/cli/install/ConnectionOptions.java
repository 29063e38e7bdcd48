package dev.entourage.cli.install;

import dev.entourage.app.Ledger;
import dev.entourage.cli.StoreOptions;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options naming the bridge and the identity a coding agent reports as ({@code install}, {@code run}). */
final class ConnectionOptions {
    @Option(names = "--url", paramLabel = "URL", description = "The bridge (`entourage serve`) the agent sends "
            + "telemetry and hooks to (env ENTOURAGE_URL; default: " + Connection.DEFAULT_URL + ").")
    String url;

    @Option(names = "--key", paramLabel = "KEY", description = "The API key the agent sends (env ENTOURAGE_KEY): an "
            + "agent key (`entourage keys create --role agent --agent NAME`), or an admin key with --agent. It is "
            + "written literally into the agent's configuration, which is therefore made readable by you only (0600).")
    String key;

    @Option(names = "--agent", paramLabel = "NAME", description = "The Entourage agent the work is charged to (env "
            + "ENTOURAGE_AGENT; default: the agent of an agent key, else your user name).")
    String agent;

    @Option(names = "--task", paramLabel = "NAME", description = "Charge the work to this task (created by name in "
            + "the agent's team when new).")
    String task;

    /**
     * The connection these options and the environment name. When the URL is this machine's and its ledger exists
     * (the {@code --db} one), the key is checked there: an unknown, revoked or viewer key, or an agent key of
     * another agent, is refused now rather than silently failing open in every hook later.
     */
    Connection resolve(StoreOptions store) {
        Map<String, String> env = store.env();
        String bridge = Connection.url(url, env);
        String apiKey = Connection.key(key, env);
        String named = agent != null ? agent : env.get("ENTOURAGE_AGENT");
        Connection draft = new Connection(bridge, apiKey, named, blankToNull(task));
        Optional<String> keyAgent = draft.isLocal() ? keyAgent(store, apiKey) : Optional.empty();
        if (keyAgent.isPresent()) {
            if (named != null && !named.equals(keyAgent.get())) {
                throw LedgerException.invalid("agent", "the key is agent " + keyAgent.get() + "'s, not " + named
                        + "'s; pass that agent's key, or an admin key");
            }
            named = keyAgent.get();
        }
        if (named == null) {
            named = env.getOrDefault("USER", env.get("LOGNAME"));
        }
        if (named == null || named.isBlank()) {
            throw LedgerException.invalid("agent", "--agent is required (or set ENTOURAGE_AGENT): the Entourage agent "
                    + "this work is charged to");
        }
        return new Connection(bridge, apiKey, named.strip(), blankToNull(task));
    }

    /** The agent of an agent key, looked up in the local ledger; empty when there is no ledger or it is admin. */
    private static Optional<String> keyAgent(StoreOptions store, String apiKey) {
        StoreOptions.Location location = store.location();
        if (!Ledger.exists(location.db())) {
            return Optional.empty();
        }
        try (Ledger ledger = store.open()) {
            Principal principal = ledger.access().authenticate(apiKey).orElseThrow(() -> new LedgerException(
                    ErrorCode.UNAUTHENTICATED, "the key is not known to the ledger at " + location.db()
                    + " (or it was revoked): make one with `entourage keys create --role agent --agent NAME`, or "
                    + "name the ledger the bridge uses with --db", Map.of("field", "key"), null));
            if (principal.role() == Role.VIEWER) {
                throw LedgerException.invalid("key", "a viewer key only reads; the agent needs an agent key "
                        + "(`entourage keys create --role agent --agent NAME`) or an admin key");
            }
            if (principal.role() != Role.AGENT) {
                return Optional.empty();
            }
            return Optional.of(ledger.services().settings().agent(principal.actor(), Ref.id(principal.agentId()))
                    .name());
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
