package dev.entourage.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * How the HTTP bridge listens and guards itself.
 *
 * @param host          the address to bind, e.g. {@code 127.0.0.1}
 * @param port          the port to bind; 0 picks a free one (see {@link HttpBridge#port()})
 * @param rateLimitRpm  requests per minute per client on general routes ({@code /auth/*} is always 10)
 * @param noAuth        serve without credentials, as admin of the default team; only allowed on a loopback
 *                      host (127.0.0.0/8, ::1, localhost)
 */
public record BridgeConfig(String host, int port, int rateLimitRpm, boolean noAuth) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_RATE_LIMIT_RPM = 100;

    public BridgeConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (rateLimitRpm < 1) {
            throw new IllegalArgumentException("rateLimitRpm must be at least 1, not " + rateLimitRpm);
        }
        if (noAuth && !isLoopback(host)) {
            throw new IllegalArgumentException("--no-auth is only allowed when binding a loopback address "
                    + "(127.0.0.1, ::1 or localhost), not '" + host + "': anyone who can reach " + host
                    + " would be an admin. Bind 127.0.0.1, or drop --no-auth and use API keys.");
        }
    }

    /** {@code 127.0.0.1:8000}, 100 requests per minute, with authentication. */
    public static BridgeConfig defaults() {
        return new BridgeConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RATE_LIMIT_RPM, false);
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
