package dev.entourage.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open server-sent events stream: a bounded queue of frames and at most one sender task (on
 * {@link OpenStreams}'s senders) writing them out, so a slow client delays nobody; it is dropped when its queue
 * overflows. Closing it completes the response and takes it out of {@link OpenStreams}.
 */
final class StreamConnection implements AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamConnection.class);
    /** Frames a client may have waiting before it is dropped. */
    static final int QUEUE = 512;
    static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final long teamId;
    private final String caller;
    /** The credentials the stream was opened with, to check again; never logged. */
    private final String key;
    private final String authorization;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final OpenStreams streams;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();

    StreamConnection(long teamId, String caller, AsyncContext async, ServletOutputStream out, String key,
                     String authorization, OpenStreams streams) {
        this.teamId = teamId;
        this.caller = caller;
        this.key = key;
        this.authorization = authorization;
        this.async = async;
        this.out = out;
        this.streams = streams;
    }

    long teamId() {
        return teamId;
    }

    /** The credential's subject, for the per-credential cap. */
    String caller() {
        return caller;
    }

    String key() {
        return key;
    }

    String authorization() {
        return authorization;
    }

    /** Queues {@code frame} to be written; drops the stream when its queue is full. */
    void offer(String frame) {
        if (done.get()) {
            return;
        }
        if (!queue.offer(frame)) {
            LOG.info("Dropping a live event stream that does not keep up; it will reconnect");
            close();
            return;
        }
        schedule();
    }

    /** Queues a comment that keeps proxies and idle timeouts from closing a quiet stream. */
    void keepAlive() {
        offer(KEEP_ALIVE);
    }

    private void schedule() {
        if (sending.compareAndSet(false, true)) {
            try {
                streams.senders().execute(this::send);
            } catch (RejectedExecutionException e) {
                sending.set(false);
                close();
            }
        }
    }

    private void send() {
        try {
            while (true) {
                boolean wrote = false;
                for (String frame; !done.get() && (frame = queue.poll()) != null; ) {
                    out.write(frame.getBytes(StandardCharsets.UTF_8));
                    wrote = true;
                }
                if (wrote && !done.get()) {
                    out.flush();
                }
                sending.set(false);
                if (done.get() || queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            sending.set(false);
            close();
        }
    }

    /** Ends the stream (once); frames still queued are dropped. */
    void close() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        streams.remove(this);
        queue.clear();
        try {
            async.complete();
        } catch (RuntimeException e) {
            LOG.debug("Stream already finished: {}", e.getMessage());
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        done.set(true);
        streams.remove(this);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a stream starts async once
    }
}
