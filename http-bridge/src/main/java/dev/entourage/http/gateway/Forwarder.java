package dev.entourage.http.gateway;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;

/**
 * One request forwarded upstream and its answer copied back as it arrives, without holding a thread while the call
 * is open: the servlet request goes asynchronous, the upstream's answer is read on demand and written to the client
 * with non-blocking writes, the next chunk demanded only once the previous one is flushed (see {@link Relay}). Every
 * chunk is shown to a {@link StreamTally} on the way. Headers pass unchanged except the hop-by-hop ones,
 * {@code Accept-Encoding} (so the answer comes uncompressed and its usage can be read) and the gateway's own
 * {@code X-Entourage-*}. When the upstream's connection fails mid-answer, the client's connection is aborted too (it
 * sees a cut stream, not a clean end). A call has no limit on its total length (a long stream may take more than
 * {@link #IDLE_TIMEOUT_MILLIS}); silence on either side past {@link #IDLE_TIMEOUT_MILLIS} ends it.
 */
final class Forwarder {
    /** The largest request body forwarded: the providers' own limit. */
    static final int MAX_BODY_BYTES = 32 << 20;
    /** How long the upstream may stay silent (before its headers, or between two chunks). */
    static final long IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000L;
    static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length", "accept-encoding", "expect");

    /** How a forwarded call ended. */
    enum Outcome {
        /** The upstream's answer was copied to its end. */
        COMPLETED,
        /** The upstream answered, then its connection failed before the end. */
        UPSTREAM_FAILED,
        /** The client went away; the upstream request was aborted. */
        CLIENT_GONE,
        /** No answer came from the upstream; nothing was written to the client. */
        UNREACHABLE
    }

    /** @param requestId the upstream's {@code request-id} header, or null */
    record Result(Outcome outcome, int status, String requestId) {
        boolean success() {
            return status >= 200 && status < 300;
        }
    }

    /** Nothing to run once the response has completed. */
    static final Runnable NOTHING = () -> { };

    /**
     * What runs once a call has ended, before the client's response is completed: the hold's release, and on
     * {@link Outcome#UNREACHABLE} (nothing written yet) its own answer. What it returns runs after the response has
     * completed (the ledger's settle or floor), so that the client's last byte never waits for the ledger.
     */
    @FunctionalInterface
    interface Then {
        Runnable ended(Result result) throws IOException;
    }

    private Forwarder() {
    }

    /**
     * Forwards {@code request} to {@code path} upstream with {@code body} (null for none) and copies the answer,
     * returning at once: the servlet request is put in asynchronous mode and {@code then} is called exactly once,
     * on whichever thread saw the end, after which the response is completed (or its connection aborted) and what
     * {@code then} returned is run.
     *
     * @param tally shown the body of a 2xx answer, or null
     */
    static void forward(Upstream upstream, HttpServletRequest request, String path, byte[] body,
                        HttpServletResponse response, StreamTally tally, Then then) {
        Request out = upstream.client().newRequest(upstream.resolve(path, request.getQueryString()))
                .method(request.getMethod()).idleTimeout(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        out.headers(headers -> {
            for (String name : Collections.list(request.getHeaderNames())) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower) && !lower.startsWith("x-entourage-")) {
                    Collections.list(request.getHeaders(name)).forEach(value -> headers.add(name, value));
                }
            }
        });
        if (body != null) {
            out.body(new BytesRequestContent(request.getContentType(), body));
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Relay relay = new Relay(out, request, response, async, tally, then);
        async.addListener(relay);
        out.onResponseHeaders(relay::onHeaders).onResponseContentSource(relay::onContentSource).send(relay::onComplete);
    }
}
