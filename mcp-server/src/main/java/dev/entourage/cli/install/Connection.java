package dev.entourage.cli.install;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.ApiKeyFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Where a coding agent sends its telemetry and hooks, and as whom: the bridge's URL, the API key (literal: the
 * agents do not expand variables everywhere), the agent and optionally the task.
 *
 * @param agent null only when the key is an agent key whose agent could not be looked up (the bridge knows it)
 */
record Connection(String url, String key, String agent, String task) {
    /** The bridge {@code entourage serve} runs by default. */
    static final String DEFAULT_URL = "http://127.0.0.1:8000";

    /** {@code --url}, else {@code ENTOURAGE_URL}, else the default; checked and without a trailing slash. */
    static String url(String option, Map<String, String> env) {
        String url = option != null ? option : env.getOrDefault("ENTOURAGE_URL", DEFAULT_URL);
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw LedgerException.invalid("url", "--url " + url + " is not a URL; e.g. " + DEFAULT_URL);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw LedgerException.invalid("url", "--url " + url + " must be the bridge's http(s) address, e.g. "
                    + DEFAULT_URL + " (what `entourage serve` prints)");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** {@code --key}, else {@code ENTOURAGE_KEY}; required, and it must look like an Entourage key. */
    static String key(String option, Map<String, String> env) {
        String key = option != null ? option : env.get("ENTOURAGE_KEY");
        if (key == null || key.isBlank()) {
            throw LedgerException.invalid("key", "--key is required (or set ENTOURAGE_KEY): the agents send it to "
                    + "the bridge. Make one with `entourage keys create --role agent --agent NAME` (or use an admin "
                    + "key with --agent)");
        }
        if (!ApiKeyFormat.isWellFormed(key.strip())) {
            throw LedgerException.invalid("key", "--key does not look like an Entourage API key (oc_…); copy it "
                    + "from `entourage keys create`");
        }
        return key.strip();
    }

    /** Whether the URL names this machine, so the ledger on this disk is the bridge's. */
    boolean isLocal() {
        String host = URI.create(url).getHost();
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    }

    /** The value of {@code OTEL_RESOURCE_ATTRIBUTES}: {@code entourage.agent=…[,entourage.task=…]}, or null. */
    String resourceAttributes() {
        if (agent == null && task == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (agent != null) {
            out.append("entourage.agent=").append(encode(agent));
        }
        if (task != null) {
            out.append(out.length() > 0 ? "," : "").append("entourage.task=").append(encode(task));
        }
        return out.toString();
    }

    /** W3C-baggage style percent-encoding of the characters that would break {@code key=value,…}. */
    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c > 0x20 && c < 0x7f && c != ',' && c != '=' && c != '%' && c != ';' && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
