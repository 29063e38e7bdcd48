package dev.entourage.http.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in of the Anthropic Messages API for the gateway's tests, speaking its wire format: {@code POST
 * /v1/messages} as SSE ({@code message_start}, {@code content_block_start/delta/stop}, {@code message_delta} with
 * usage, {@code message_stop}) when the body asks to stream, else one JSON message; a {@code request-id} header;
 * {@code count_tokens} and {@code models}. Scripted per test: an error status, a fixed request id, a latch the stream
 * waits on after its first events, or a stream that never ends by itself.
 */
final class StandInUpstream implements AutoCloseable {
    static final long INPUT = 1200;
    static final long OUTPUT = 400;
    static final long CACHE_WRITE = 3000;
    static final long CACHE_WRITE_1H = 1000;
    static final long CACHE_READ = 20000;
    static final String MODEL = "claude-sonnet-4-5";

    final AtomicInteger messages = new AtomicInteger();
    final List<Map<String, List<String>>> headersSeen = new CopyOnWriteArrayList<>();
    final Map<String, Integer> served = new ConcurrentHashMap<>();
    volatile int errorStatus;
    volatile String fixedRequestId;
    volatile CountDownLatch holdAfterFirstEvents;
    volatile boolean endless;
    /** What {@code count_tokens} answers, and its status (200 unless scripted). */
    volatile long countedInput = INPUT;
    volatile int countStatus = 200;
    /** More fields of the answers' usage, e.g. {@code ,"service_tier":"batch"} (none unless scripted). */
    volatile String usageExtra = "";
    /** The model the answers name. */
    volatile String answerModel = MODEL;
    final List<String> countBodies = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    final CountDownLatch finished = new CountDownLatch(1);
    private final HttpServer server;

    StandInUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            headersSeen.add(Map.copyOf(exchange.getRequestHeaders()));
            served.merge(path, 1, Integer::sum);
            if (path.equals("/v1/messages")) {
                messages(exchange, body);
            } else if (path.equals("/v1/messages/count_tokens")) {
                countBodies.add(body);
                send(exchange, countStatus, "application/json", countStatus == 200
                        ? "{\"input_tokens\":" + countedInput + "}" : error("not_found_error", "no count"));
            } else if (path.equals("/v1/models")) {
                send(exchange, 200, "application/json", "{\"data\":[{\"type\":\"model\",\"id\":\"" + MODEL
                        + "\"}],\"has_more\":false}");
            } else {
                send(exchange, 404, "application/json", error("not_found_error", "no route"));
            }
        }
    }

    private void messages(HttpExchange exchange, String body) throws IOException {
        int seq = messages.incrementAndGet();
        String requestId = fixedRequestId != null ? fixedRequestId : "req_standin" + seq;
        exchange.getResponseHeaders().add("request-id", requestId);
        if (errorStatus != 0) {
            exchange.getResponseHeaders().add("x-should-retry", "true");
            exchange.getResponseHeaders().add("retry-after", "7");
            send(exchange, errorStatus, "application/json", error(errorStatus == 529 ? "overloaded_error"
                    : "invalid_request_error", "stand-in: scripted " + errorStatus));
            return;
        }
        String usage = "\"input_tokens\":" + INPUT + ",\"cache_creation_input_tokens\":" + CACHE_WRITE
                + ",\"cache_read_input_tokens\":" + CACHE_READ + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
                + (CACHE_WRITE - CACHE_WRITE_1H) + ",\"ephemeral_1h_input_tokens\":" + CACHE_WRITE_1H + "}" + usageExtra;
        if (!body.replace(" ", "").contains("\"stream\":true")) {
            send(exchange, 200, "application/json", "{\"id\":\"msg_" + seq + "\",\"type\":\"message\",\"role\":"
                    + "\"assistant\",\"model\":\"" + answerModel + "\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                    + "\"stop_reason\":\"end_turn\",\"usage\":{" + usage + ",\"output_tokens\":" + OUTPUT + "}}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + seq
                    + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + answerModel + "\",\"content\":[],"
                    + "\"usage\":{" + usage + ",\"output_tokens\":1}}}");
            event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}");
            event(out, "content_block_delta", delta("Hello there"));
            CountDownLatch latch = holdAfterFirstEvents;
            if (latch != null && !latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the stream");
            }
            if (endless) {
                String chunk = delta("x".repeat(1000));
                for (int i = 0; i < 100_000; i++) {
                    event(out, "content_block_delta", chunk);
                }
                return;
            }
            event(out, "content_block_delta", delta(", world"));
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":" + OUTPUT + "}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the gateway went away: nothing more to send
        } finally {
            finished.countDown();
        }
    }

    private static String delta(String text) {
        return "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text
                + "\"}}";
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Closes every connection at once, mid-answer: the upstream goes away. */
    @Override
    public void close() {
        if (stopped.compareAndSet(false, true)) {
            server.stop(0);
        }
    }
}
