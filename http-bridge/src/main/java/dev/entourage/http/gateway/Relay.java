package dev.entourage.http.gateway;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy of one upstream answer to the client, driven by events rather than a thread: the upstream's headers set
 * the client's, then one pump reads a chunk of the upstream's content, feeds the tally, writes and flushes it without
 * blocking, and reads the next only when the client's output is ready again (back-pressure); when no chunk is there
 * it demands one and returns. The pump runs on the container's thread (output ready) or the client's (content
 * demanded), never both at once; the end (the last chunk, an upstream failure, the client's error or the async
 * timeout) is handled once, under the same lock.
 */
final class Relay implements WriteListener, AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final Request out;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final AsyncContext async;
    private final StreamTally tally;
    private final Forwarder.Then then;
    private volatile boolean headers;
    private int status;
    private String requestId;
    private StreamTally counted;
    private Content.Source source;
    private ServletOutputStream client;
    private boolean flushPending = true;
    private boolean last;
    private boolean done;

    Relay(Request out, HttpServletRequest request, HttpServletResponse response, AsyncContext async,
          StreamTally tally, Forwarder.Then then) {
        this.out = out;
        this.request = request;
        this.response = response;
        this.async = async;
        this.tally = tally;
        this.then = then;
    }

    synchronized void onHeaders(Response answer) {
        if (done) {
            return;
        }
        status = answer.getStatus();
        requestId = answer.getHeaders().get("request-id");
        response.setStatus(status);
        for (HttpField field : answer.getHeaders()) {
            if (!Forwarder.NOT_FORWARDED.contains(field.getLowerCaseName())) {
                response.addHeader(field.getName(), field.getValue());
            }
        }
        counted = status >= 200 && status < 300 ? tally : null;
        if (counted != null) {
            counted.expect(answer.getHeaders().get("content-type"));
        }
        headers = true;
    }

    void onContentSource(Response answer, Content.Source content) {
        Runnable after = null;
        synchronized (this) {
            if (done) {
                content.fail(new EofException("the call has ended"));
                return;
            }
            source = content;
            try {
                client = response.getOutputStream();
                client.setWriteListener(this);
            } catch (IOException | IllegalStateException e) {
                after = endClientGone(e);
            }
        }
        runAfter(after);
    }

    void onComplete(org.eclipse.jetty.client.Result result) {
        Runnable after = null;
        synchronized (this) {
            if (done || !result.isFailed() && source != null) {
                return;
            }
            if (!headers) {
                after = finish(Forwarder.Outcome.UNREACHABLE);
            } else if (source == null) {
                after = finish(result.isFailed() ? Forwarder.Outcome.UPSTREAM_FAILED : Forwarder.Outcome.COMPLETED);
            }
        }
        runAfter(after);
    }

    @Override
    public void onWritePossible() {
        Runnable after;
        synchronized (this) {
            after = pump();
        }
        runAfter(after);
    }

    /** Copies chunks while the client can take them; what the end of the call leaves to run, if it ended. */
    private Runnable pump() {
        try {
            while (!done && client.isReady()) {
                if (flushPending) {
                    flushPending = false;
                    client.flush();
                } else if (last) {
                    return finish(Forwarder.Outcome.COMPLETED);
                } else {
                    Content.Chunk chunk = source.read();
                    if (chunk == null) {
                        source.demand(this::onWritePossible);
                        return null;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        return finish(Forwarder.Outcome.UPSTREAM_FAILED);
                    }
                    write(chunk);
                }
            }
            return null;
        } catch (IOException | IllegalStateException e) {
            return endClientGone(e);
        }
    }

    private void write(Content.Chunk chunk) throws IOException {
        ByteBuffer buffer = chunk.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        last = chunk.isLast();
        chunk.release();
        if (bytes.length > 0) {
            if (counted != null) {
                counted.feed(bytes, 0, bytes.length);
            }
            client.write(bytes);
            flushPending = true;
        }
    }

    @Override
    public void onError(Throwable failure) {
        clientGone(failure);
    }

    @Override
    public void onError(AsyncEvent event) {
        clientGone(event.getThrowable());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        Runnable after = null;
        synchronized (this) {
            if (!done) {
                out.abort(new TimeoutException("the call took longer than the gateway's timeout"));
                after = finish(headers ? Forwarder.Outcome.UPSTREAM_FAILED : Forwarder.Outcome.UNREACHABLE);
            }
        }
        runAfter(after);
    }

    @Override
    public void onComplete(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    private void clientGone(Throwable failure) {
        Runnable after;
        synchronized (this) {
            after = endClientGone(failure);
        }
        runAfter(after);
    }

    /** Under the lock: aborts the upstream request and ends the call, unless it has ended. */
    private Runnable endClientGone(Throwable failure) {
        if (done) {
            return null;
        }
        out.abort(failure == null ? new EofException("the client went away") : failure);
        return finish(Forwarder.Outcome.CLIENT_GONE);
    }

    /**
     * Ends the call once, under the lock: the tally's end, the caller's {@link Forwarder.Then} and the response's end.
     * Returns what the {@code Then} left to run once the lock is let go (the ledger's settle must not hold up the
     * upstream client's thread, which takes the lock to report the exchange's end).
     */
    private Runnable finish(Forwarder.Outcome outcome) {
        done = true;
        if (counted != null) {
            counted.finish();
        }
        Runnable after = Forwarder.NOTHING;
        try {
            after = then.ended(new Forwarder.Result(outcome, status, requestId));
        } catch (IOException | RuntimeException e) {
            LOG.warn("gateway: the end of request {} failed ({})", requestId, e.getClass().getSimpleName());
        }
        try {
            complete(outcome);
        } catch (RuntimeException e) {
            LOG.warn("gateway: the response to request {} could not be completed ({})", requestId,
                    e.getClass().getSimpleName());
        }
        return after;
    }

    private void complete(Forwarder.Outcome outcome) {
        if (outcome == Forwarder.Outcome.UPSTREAM_FAILED || outcome == Forwarder.Outcome.CLIENT_GONE) {
            ServletContextRequest base = ServletContextRequest.getServletContextRequest(request);
            if (base != null) {
                base.getServletChannel().abort(new EofException("the upstream closed the stream before its end"));
            }
        }
        try {
            async.complete();
        } catch (IllegalStateException e) {
            LOG.debug("gateway: request {} was already complete", requestId);
        }
    }

    private void runAfter(Runnable after) {
        if (after == null) {
            return;
        }
        try {
            after.run();
        } catch (RuntimeException e) {
            LOG.warn("gateway: the settle of request {} failed ({})", requestId, e.getClass().getSimpleName());
        }
    }
}
