package dev.entourage.http.gateway;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway servlet and its one upstream client, started with the servlet and stopped with it, once the settles of
 * the calls it answered have run.
 */
abstract class UpstreamServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamServlet.class);
    private final URI upstreamBase;
    private final transient PendingSettles settles;
    private transient Upstream upstream;

    UpstreamServlet(URI upstreamBase, PendingSettles settles) {
        this.upstreamBase = Objects.requireNonNull(upstreamBase, "upstreamBase");
        this.settles = Objects.requireNonNull(settles, "settles");
    }

    @Override
    public void init() {
        upstream = Upstream.start(upstreamBase);
    }

    @Override
    public void destroy() {
        if (!settles.awaitAll(PendingSettles.STOP_WAIT_MILLIS)) {
            LOG.warn("gateway: {} calls were not recorded before the bridge stopped; each is charged its floor at the "
                    + "next start", settles.running());
        }
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
