package dev.entourage.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.http.json.LedgerJson;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: the dashboard's server-sent events, the caller's team only. The ledger's listener
 * only puts events in an inbox; one dispatcher thread encodes each event once and offers it to the bounded queue of
 * every client of its team; each client's queue is written out by a sender task, so a slow client delays nobody
 * and is dropped when its queue overflows (it reconnects, as the {@code retry} field asks). A comment every
 * keep-alive interval keeps proxies and idle timeouts from closing quiet streams. {@link #close()} ends every
 * stream, so a graceful stop does not wait on them.
 */
final class EventStream extends HttpServlet implements AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /** Frames a client may have waiting before it is dropped. */
    static final int CLIENT_QUEUE = 512;
    /** Streams one credential may hold open at once (a tab holds one; a leak of them must not pin the server). */
    static final int MAX_STREAMS_PER_CALLER = 16;
    /** Events waiting for the dispatcher before new ones are dropped (and every stream told to refresh). */
    private static final int INBOX = 10_000;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** How often each stream's credentials are checked again: a revoked key or an expired token ends its streams. */
    static final Duration RECHECK = Duration.ofSeconds(5);
    static final String CONTENT_TYPE = "text/event-stream";

    private final transient LedgerJson json;
    private final transient Errors errors;
    private final transient Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final transient BlockingQueue<LedgerEvent> inbox = new LinkedBlockingQueue<>(INBOX);
    private final transient AtomicLong ids = new AtomicLong();
    private final transient AtomicBoolean overflowed = new AtomicBoolean();
    private final transient ExecutorService senders;
    private final transient ScheduledExecutorService ticker;
    private final transient Thread dispatcher;
    private final transient Authenticator authenticator;
    private final transient AutoCloseable subscription;
    private volatile boolean closed;

    EventStream(LedgerEvents events, LedgerJson json, Errors errors, Duration keepAlive, Authenticator authenticator,
                Duration recheck) {
        this.json = json;
        this.errors = errors;
        this.authenticator = authenticator;
        this.senders = Executors.newCachedThreadPool(daemons("entourage-events-sender"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemons("entourage-events-keepalive"));
        this.dispatcher = new Thread(this::dispatch, "entourage-events-dispatcher");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
        long every = keepAlive.toMillis();
        ticker.scheduleAtFixedRate(() -> clients.forEach(c -> c.offer(": keep-alive\n\n")), every, every,
                TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::recheckCredentials, recheck.toMillis(), recheck.toMillis(),
                TimeUnit.MILLISECONDS);
        this.subscription = events.subscribe(this::enqueue);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Ends the streams whose credentials are no longer accepted (revoked, expired); keeps them if storage is down. */
    private void recheckCredentials() {
        for (Client client : clients) {
            try {
                if (authenticator.authenticate(client.key, client.authorization).isEmpty()) {
                    client.close();
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not check an event stream's credentials again: {}", e.getMessage());
            }
        }
    }

    /** The ledger's listener: only enqueues, never blocks, never throws. */
    private void enqueue(LedgerEvent event) {
        if (closed || clients.isEmpty()) {
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
        if (clients.isEmpty()) {
            return;
        }
        Map.Entry<String, ObjectNode> encoded = json.event(event);
        if (encoded == null) {
            return;
        }
        String frame = frame(encoded.getKey(), encoded.getValue());
        for (Client client : clients) {
            if (event.teamId() == LedgerEvent.ALL_TEAMS || event.teamId() == client.teamId) {
                client.offer(frame);
            }
        }
    }

    private String frame(String event, ObjectNode data) {
        return "id: " + ids.incrementAndGet() + "\nevent: " + event + "\ndata: "
                + new String(Responses.bytes(data), StandardCharsets.UTF_8) + "\n\n";
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Gate.path(request);
        Principal principal;
        try {
            if (!request.getMethod().equals("GET")) {
                throw HttpFailure.methodNotAllowed(request.getMethod(), path, "GET");
            }
            principal = Gate.principal(request).orElse(null);
            Access.PEOPLE.check(principal);
            Query.parse(request.getQueryString());
            if (closed) {
                throw new HttpFailure(503, dev.entourage.ledger.ErrorCode.STORAGE_UNAVAILABLE,
                        "The server is stopping; reconnect in a moment.", Map.of(), Map.of());
            }
            String caller = principal.subject();
            if (clients.stream().filter(c -> c.caller.equals(caller)).count() >= MAX_STREAMS_PER_CALLER) {
                throw new HttpFailure(429, dev.entourage.ledger.ErrorCode.RATE_LIMITED, "this credential has "
                        + MAX_STREAMS_PER_CALLER + " event streams open already; close one (a browser tab each)",
                        Map.of(), Map.of("Retry-After", "5"));
            }
        } catch (RuntimeException e) {
            Responses.discardBody(request, response);
            Responses.error(response, errors, Errors.forClient(e, request.getMethod(), path));
            return;
        }
        Responses.discardBody(request, response);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Client client = new Client(principal.teamId(), principal.subject(), async, response.getOutputStream(),
                request.getHeader(Authenticator.API_KEY_HEADER), request.getHeader("Authorization"));
        async.addListener(client);
        client.offer("retry: 1000\n\n" + frame("hello", json.hello(principal.teamId())));
        clients.add(client);
        if (closed) {
            client.close();
        }
    }

    /** How many streams are open (for tests and logs). */
    int openStreams() {
        return clients.size();
    }

    /** Ends every stream and stops the threads; new streams are refused from now on. */
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
        clients.forEach(Client::close);
        ticker.shutdownNow();
        dispatcher.interrupt();
        senders.shutdown();
        try {
            if (!senders.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One open stream: a bounded queue of frames and at most one sender task writing them out. */
    private final class Client implements AsyncListener {
        private final long teamId;
        private final String caller;
        /** The credentials the stream was opened with, to check again; never logged. */
        private final String key;
        private final String authorization;
        private final AsyncContext async;
        private final ServletOutputStream out;
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CLIENT_QUEUE);
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicBoolean done = new AtomicBoolean();

        Client(long teamId, String caller, AsyncContext async, ServletOutputStream out, String key,
               String authorization) {
            this.teamId = teamId;
            this.caller = caller;
            this.key = key;
            this.authorization = authorization;
            this.async = async;
            this.out = out;
        }

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

        private void schedule() {
            if (sending.compareAndSet(false, true)) {
                try {
                    senders.execute(this::send);
                } catch (java.util.concurrent.RejectedExecutionException e) {
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

        void close() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            clients.remove(this);
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
            clients.remove(this);
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
}
