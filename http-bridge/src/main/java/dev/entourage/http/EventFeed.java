package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the ledger's events to the {@link OpenStreams}: the listener on {@link LedgerEvents} only puts events in an
 * inbox; one dispatcher thread encodes each event once as a server-sent events frame and offers it to every stream of
 * its team. When the inbox overflows, the events that did not fit are dropped and every stream is told to refresh
 * ({@link LedgerEvent.ExternalChange}). Frames are numbered in one sequence, the streams' hellos included.
 */
final class EventFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    /** Events waiting for the dispatcher before new ones are dropped (and every stream told to refresh). */
    private static final int INBOX = 10_000;

    private final ReportJson json;
    private final OpenStreams streams;
    private final BlockingQueue<LedgerEvent> inbox = new LinkedBlockingQueue<>(INBOX);
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final Thread dispatcher;
    private final AutoCloseable subscription;
    private volatile boolean closed;

    EventFeed(LedgerEvents events, ReportJson json, OpenStreams streams) {
        this.json = json;
        this.streams = streams;
        this.dispatcher = new Thread(this::dispatch, "entourage-events-dispatcher");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
        this.subscription = events.subscribe(this::enqueue);
    }

    /** The ledger's listener: only enqueues, never blocks, never throws. */
    private void enqueue(LedgerEvent event) {
        if (closed || streams.isEmpty()) {
            return;
        }
        if (!inbox.offer(event)) {
            overflowed.set(true);
        }
    }

    private void dispatch() {
        while (!closed) {
            try {
                LedgerEvent event = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (overflowed.getAndSet(false)) {
                    broadcast(new LedgerEvent.ExternalChange());
                }
                if (event != null) {
                    broadcast(event);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Could not send a live event", e);
            }
        }
    }

    private void broadcast(LedgerEvent event) {
        if (streams.isEmpty()) {
            return;
        }
        Map.Entry<String, ObjectNode> encoded = json.event(event);
        if (encoded == null) {
            return;
        }
        streams.offer(event.teamId(), frame(encoded.getKey(), encoded.getValue()));
    }

    /** A server-sent events frame with the next id, the event's name and its JSON data. */
    String frame(String event, ObjectNode data) {
        return "id: " + ids.incrementAndGet() + "\nevent: " + event + "\ndata: "
                + new String(Responses.bytes(data), StandardCharsets.UTF_8) + "\n\n";
    }

    /** Stops listening and stops the dispatcher; events still in the inbox are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Could not unsubscribe from ledger events: {}", e.getMessage());
        }
        dispatcher.interrupt();
    }
}
