package dev.entourage.http.gateway;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.alpn.client.ALPNClientConnectionFactory;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;

/**
 * The provider's API as the gateway reaches it: one Jetty {@link HttpClient} speaking HTTP/1.1 or, where the server
 * offers it by ALPN, HTTP/2, trusting the JDK's trust store; responses are read as they arrive, never buffered.
 */
public final class Upstream implements AutoCloseable {
    /** The Anthropic API's public base URL, the default of {@code --anthropic-upstream}. */
    public static final URI ANTHROPIC = URI.create("https://api.anthropic.com");

    /**
     * How many calls may be open at once to one upstream (over HTTP/1.1, one connection each): an open stream holds
     * no thread, so the limit is connections, not threads.
     */
    static final int MAX_OPEN_CALLS = 4096;

    private final URI base;
    private final HttpClient client;

    private Upstream(URI base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    /**
     * Starts a client for {@code base}, an {@code http(s)} URL as {@code BridgeConfig.upstream} checks it; for an
     * {@code https} base, fails at once if the class path lacks a client ALPN processor.
     */
    public static Upstream start(URI base) {
        Objects.requireNonNull(base, "base");
        if ("https".equalsIgnoreCase(base.getScheme())) {
            requireAlpn();
        }
        ClientConnector connector = new ClientConnector();
        HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector))));
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setIdleTimeout(Forwarder.IDLE_TIMEOUT_MILLIS);
        client.setMaxConnectionsPerDestination(MAX_OPEN_CALLS);
        client.setMaxRequestsQueuedPerDestination(MAX_OPEN_CALLS);
        client.getContentDecoderFactories().clear();
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the gateway's HTTP client", e);
        }
        return new Upstream(base, client);
    }

    /**
     * Without a client ALPN processor ({@code jetty-alpn-java-client}, found by {@code ServiceLoader}) Jetty cannot
     * open a TLS connection on the dynamic transport, and a call to an {@code https} upstream never completes.
     */
    private static void requireAlpn() {
        try {
            new ALPNClientConnectionFactory(Runnable::run, new HttpClientConnectionFactory(), List.of("http/1.1"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the gateway's HTTPS client needs org.eclipse.jetty:jetty-alpn-java-client"
                    + " on the class path", e);
        }
    }

    /** The URL of {@code path} (starting {@code /v1/}) and {@code query} (or null) on the upstream. */
    URI resolve(String path, String query) {
        String prefix = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(prefix + path + (query == null ? "" : "?" + query));
    }

    HttpClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the gateway's HTTP client", e);
        }
    }
}
