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

    synchronized void onContentSource(Response answer, Content.Source content) {
        if (done) {
            content.fail(new EofException("the call has ended"));
            return;
        }
        source = content;
        try {
            client = response.getOutputStream();
            client.setWriteListener(this);
        } catch (IOException | IllegalStateException e) {
            clientGone(e);
        }
    }

    void onComplete(org.eclipse.jetty.client.Result result) {
        synchronized (this) {
            if (done || !result.isFailed() && source != null) {
                return;
            }
            if (!headers) {
                finish(Forwarder.Outcome.UNREACHABLE);
            } else if (source == null) {
                finish(result.isFailed() ? Forwarder.Outcome.UPSTREAM_FAILED : Forwarder.Outcome.COMPLETED);
            }
        }
    }

    @Override
    public synchronized void onWritePossible() {
        try {
            while (!done && client.isReady()) {
                if (flushPending) {
                    flushPending = false;
                    client.flush();
                } else if (last) {
                    finish(Forwarder.Outcome.COMPLETED);
                } else {
                    Content.Chunk chunk = source.read();
                    if (chunk == null) {
                        source.demand(this::onWritePossible);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        finish(Forwarder.Outcome.UPSTREAM_FAILED);
                        return;
                    }
                    write(chunk);
                }
            }
        } catch (IOException | IllegalStateException e) {
            clientGone(e);
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
    public synchronized void onTimeout(AsyncEvent event) {
        if (!done) {
            out.abort(new TimeoutException("the call took longer than the gateway's timeout"));
            finish(headers ? Forwarder.Outcome.UPSTREAM_FAILED : Forwarder.Outcome.UNREACHABLE);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    private synchronized void clientGone(Throwable failure) {
        if (!done) {
            out.abort(failure == null ? new EofException("the client went away") : failure);
            finish(Forwarder.Outcome.CLIENT_GONE);
        }
    }

    /**
     * Ends the call once: the tally's end, the caller's {@link Forwarder.Then}, the response's end, then what the
     * {@code Then} left to run after it.
     */
    private void finish(Forwarder.Outcome outcome) {
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
        } finally {
            runAfter(after);
        }
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
