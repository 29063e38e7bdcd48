package dev.entourage.http.gateway;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** A gateway servlet and its one upstream client, started with the servlet and stopped with it. */
abstract class UpstreamServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final URI upstreamBase;
    private transient Upstream upstream;

    UpstreamServlet(URI upstreamBase) {
        this.upstreamBase = Objects.requireNonNull(upstreamBase, "upstreamBase");
    }

    @Override
    public void init() {
        upstream = Upstream.start(upstreamBase);
    }

    @Override
    public void destroy() {
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The upstream's client; started by {@link #init()}. */
    final Upstream upstream() {
        return upstream;
    }

    /**
     * Lets the client's connection wait as long as the upstream may be silent: a non-streamed answer can take
     * minutes, longer than the bridge's idle timeout.
     */
    static void patient(HttpServletRequest request) {
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(request);
        if (base != null) {
            base.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(Forwarder.IDLE_TIMEOUT_MILLIS);
        }
    }
}
