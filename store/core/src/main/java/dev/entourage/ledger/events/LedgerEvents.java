package dev.entourage.ledger.events;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process bus of {@link LedgerEvent}s. Listeners run on the publishing thread, after the write committed;
 * they must only hand the event on (enqueue) and return at once. A listener that throws is logged and skipped:
 * publishing never fails the use case that published.
 */
public final class LedgerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerEvents.class);

    /** Receives events; must not block. */
    @FunctionalInterface
    public interface Listener {
        void on(LedgerEvent event);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Registers {@code listener}; closing the answer removes it again. */
    public AutoCloseable subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Hands {@code event} to every listener; never throws. */
    public void publish(LedgerEvent event) {
        for (Listener listener : listeners) {
            try {
                listener.on(event);
            } catch (RuntimeException e) {
                LOG.warn("A ledger event listener failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }

    /** Whether anyone listens (publishers may skip building events otherwise). */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }
}
