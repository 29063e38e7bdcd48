package dev.entourage.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the HTTP bridge listens and guards itself.
 *
 * @param host          the address to bind, e.g. {@code 127.0.0.1}
 * @param port          the port to bind; 0 picks a free one (see {@link HttpBridge#port()})
 * @param rateLimitRpm  requests per minute per client on general routes ({@code /auth/*} is always 10)
 * @param noAuth        serve without credentials, as admin of the default team; only allowed on a loopback
 *                      host (127.0.0.0/8, ::1, localhost)
 * @param allowedHosts  more {@code Host} names (DNS names or addresses, without port) that MCP over HTTP
 *                      answers, beyond loopback and the bound address (DNS-rebinding protection otherwise
 *                      answers 421); each also allows the origins {@code http(s)://name[:port]}
 * @param allowedOrigins more {@code Origin} values MCP over HTTP accepts, e.g. {@code https://app.example.com}
 *                      (a {@code :*} port suffix allows any port)
 * @param anthropicUpstream where the gateway at {@code /anthropic} forwards model calls
 * @param openaiUpstream    where the gateway at {@code /openai} forwards model calls
 * @param countTokens       whether the gateway sizes an Anthropic call's hold by asking the upstream's
 *                          {@code count_tokens} first (one more upstream round trip per call) instead of by the body's
 *                          size alone
 */
public record BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth, List<String> allowedHosts,
                           List<String> allowedOrigins, java.net.URI anthropicUpstream,
                           java.net.URI openaiUpstream, boolean countTokens) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_RATE_LIMIT_RPM = 100;
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern ORIGIN = Pattern.compile("https?://(" + HOST_NAME.pattern() + ")(:(\\d{1,5}|\\*))?");

    /** A setting that cannot be used, naming the {@code entourage serve} option it comes from. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String option;

        Invalid(String option, String message) {
            super(message);
            this.option = option;
        }

        /** The option, e.g. {@code --port}. */
        public String option() {
            return option;
        }
    }

    public BridgeConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new Invalid("--host", "must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new Invalid("--port", "must be between 0 and 65535 (0 picks a free port), not " + port);
        }
        if (rateLimitRpm < 1) {
            throw new Invalid("--rate-limit-rpm", "must be at least 1, not " + rateLimitRpm);
        }
        if (noAuth && !isLoopback(host)) {
            throw new Invalid("--no-auth", "is only allowed when binding a loopback address "
                    + "(127.0.0.1, ::1 or localhost), not '" + host + "': anyone who can reach " + host
                    + " would be an admin. Bind 127.0.0.1, or drop --no-auth and use API keys.");
        }
        Objects.requireNonNull(anthropicUpstream, "anthropicUpstream");
        Objects.requireNonNull(openaiUpstream, "openaiUpstream");
        allowedHosts = List.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts"));
        allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
        for (String name : allowedHosts) {
            if (!HOST_NAME.matcher(name).matches() || name.length() > 253) {
                throw new Invalid("--allowed-hosts", "'" + printable(name) + "' is not a host name or address "
                        + "(give names like bridge.lan or 192.168.1.20, comma-separated, without port)");
            }
        }
        for (String origin : allowedOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new Invalid("--allowed-origins", "'" + printable(origin) + "' is not an origin (give "
                        + "values like https://app.example.com or http://bridge.lan:8000, comma-separated)");
            }
        }
    }

    /** Sizing gateway holds by the body's size alone. */
    public BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth, List<String> allowedHosts,
                        List<String> allowedOrigins, java.net.URI anthropicUpstream, java.net.URI openaiUpstream) {
        this(host, port, rateLimitRpm, noAuth, allowedHosts, allowedOrigins, anthropicUpstream, openaiUpstream,
                false);
    }

    /** Forwarding the OpenAI gateway to the OpenAI API itself. */
    public BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth, List<String> allowedHosts,
                        List<String> allowedOrigins, java.net.URI anthropicUpstream) {
        this(host, port, rateLimitRpm, noAuth, allowedHosts, allowedOrigins, anthropicUpstream,
                dev.entourage.http.gateway.OpenAiGateway.DEFAULT_UPSTREAM);
    }

    /** Forwarding the gateways to the Anthropic and OpenAI APIs themselves. */
    public BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth, List<String> allowedHosts,
                        List<String> allowedOrigins) {
        this(host, port, rateLimitRpm, noAuth, allowedHosts, allowedOrigins,
                dev.entourage.http.gateway.Upstream.ANTHROPIC);
    }

    /** Without extra allowed hosts or origins. */
    public BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth) {
        this(host, port, rateLimitRpm, noAuth, List.of(), List.of());
    }

    /** {@code 127.0.0.1:8000}, 100 requests per minute, with authentication. */
    public static BridgeConfig defaults() {
        return new BridgeConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RATE_LIMIT_RPM, false);
    }

    /**
     * The upstream URL {@code text} of {@code option}: {@code http} or {@code https}, a host, no query.
     *
     * @throws Invalid otherwise
     */
    public static java.net.URI upstream(String option, String text) {
        try {
            java.net.URI uri = new java.net.URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // answered below
        }
        throw new Invalid(option, "'" + printable(text) + "' is not an http(s) URL like https://api.anthropic.com");
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * Whether {@code host} is a loopback address, decided from its text alone (no DNS): {@code localhost},
     * an IPv4 literal in 127.0.0.0/8, or an IPv6 literal that is {@code ::1} (or maps 127.0.0.0/8).
     */
    static boolean isLoopback(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] octets = h.split("\\.");
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(octets[0]) == 127;
        }
        if (h.contains(":") && h.matches("[0-9A-Fa-f:.]+")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
