package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in of OpenAI's API for the gateway's tests, speaking its wire format: {@code POST
 * /v1/chat/completions} (one completion, or SSE chunks ending {@code data: [DONE]}, with a last chunk carrying usage
 * only when {@code stream_options.include_usage} is set, as OpenAI does), {@code POST /v1/responses} (one response,
 * or SSE {@code response.created}, {@code response.output_text.delta}, {@code response.completed}), {@code GET
 * /v1/models}; an {@code x-request-id} header. Scripted per test: an error status, a fixed request id, a latch a
 * stream waits on after its first chunk, or a stream that never ends by itself.
 */
final class OpenAiStandIn implements AutoCloseable {
    static final String MODEL = "gpt-5.6-sol";
    static final long PROMPT = 2000;
    static final long CACHED = 1500;
    static final long CACHE_WRITE = 300;
    static final long COMPLETION = 300;
    static final long REASONING = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    final AtomicInteger calls = new AtomicInteger();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<String> raw = new CopyOnWriteArrayList<>();
    final List<Map<String, List<String>>> headersSeen = new CopyOnWriteArrayList<>();
    volatile int errorStatus;
    volatile String fixedRequestId;
    volatile String serviceTier = "default";
    volatile CountDownLatch holdAfterFirstChunk;
    volatile boolean endless;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final HttpServer server;

    OpenAiStandIn() throws IOException {
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
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            headersSeen.add(Map.copyOf(exchange.getRequestHeaders()));
            if (path.equals("/v1/models")) {
                send(exchange, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}");
                return;
            }
            if (!path.equals("/v1/chat/completions") && !path.equals("/v1/responses")) {
                send(exchange, 404, error("invalid_request_error", "stand-in: no route"));
                return;
            }
            JsonNode request = JSON.readTree(body);
            bodies.add(request);
            raw.add(new String(body, StandardCharsets.UTF_8));
            int seq = calls.incrementAndGet();
            exchange.getResponseHeaders().add("x-request-id", fixedRequestId != null ? fixedRequestId
                    : "req_oai" + seq);
            if (errorStatus != 0) {
                exchange.getResponseHeaders().add("x-should-retry", "true");
                exchange.getResponseHeaders().add("retry-after", "7");
                send(exchange, errorStatus, error(errorStatus == 400 ? "invalid_request_error" : "server_error",
                        "stand-in: scripted " + errorStatus));
                return;
            }
            boolean chat = path.equals("/v1/chat/completions");
            if (!request.path("stream").asBoolean(false)) {
                send(exchange, 200, chat ? completion(seq) : response(seq, "completed"));
            } else if (chat) {
                stream(exchange, request.path("stream_options").path("include_usage").asBoolean(false), seq);
            } else {
                streamResponse(exchange, seq);
            }
        }
    }

    private String completion(int seq) {
        return "{\"id\":\"chatcmpl-" + seq + "\",\"object\":\"chat.completion\",\"created\":1764650000,\"model\":\""
                + MODEL + "-2026-06-01\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"hi\",\"refusal\":null},\"finish_reason\":\"stop\"}],\"usage\":" + chatUsage()
                + ",\"service_tier\":\"" + serviceTier + "\",\"system_fingerprint\":\"fp_standin\"}";
    }

    private static String chatUsage() {
        return "{\"prompt_tokens\":" + PROMPT + ",\"completion_tokens\":" + COMPLETION + ",\"total_tokens\":"
                + (PROMPT + COMPLETION) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + CACHED
                + ",\"cache_write_tokens\":" + CACHE_WRITE + ",\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":" + REASONING + ",\"audio_tokens\":0}}";
    }

    private String response(int seq, String status) {
        return "{\"id\":\"resp_" + seq + "\",\"object\":\"response\",\"created_at\":1764650000,\"status\":\"" + status
                + "\",\"model\":\"" + MODEL + "-2026-06-01\",\"output\":[{\"type\":\"message\",\"id\":\"msg_" + seq
                + "\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"hi\",\"annotations\":[]}]}],\"service_tier\":\"" + serviceTier + "\",\"usage\":"
                + "{\"input_tokens\":" + PROMPT + ",\"input_tokens_details\":{\"cached_tokens\":" + CACHED
                + ",\"cache_write_tokens\":" + CACHE_WRITE + "},\"output_tokens\":" + COMPLETION
                + ",\"output_tokens_details\":{\"reasoning_tokens\":" + REASONING + "},\"total_tokens\":"
                + (PROMPT + COMPLETION) + "}}";
    }

    private void stream(HttpExchange exchange, boolean includeUsage, int seq) throws IOException {
        String head = "{\"id\":\"chatcmpl-" + seq + "\",\"object\":\"chat.completion.chunk\",\"created\":1764650000,"
                + "\"model\":\"" + MODEL + "-2026-06-01\",\"service_tier\":\"" + serviceTier + "\",";
        String nullUsage = includeUsage ? ",\"usage\":null" : "";
        streamed(exchange, out -> {
            data(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello there\"},"
                    + "\"finish_reason\":null}]" + nullUsage + "}");
            waitForTest();
            String more = head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(1000)
                    + "\"},\"finish_reason\":null}]" + nullUsage + "}";
            for (int i = 0; endless && i < 100_000; i++) {
                data(out, more);
            }
            data(out, head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]" + nullUsage + "}");
            if (includeUsage) {
                data(out, head + "\"choices\":[],\"usage\":" + chatUsage() + "}");
            }
            data(out, "[DONE]");
        });
    }

    private void streamResponse(HttpExchange exchange, int seq) throws IOException {
        streamed(exchange, out -> {
            event(out, "response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
                    + "{\"id\":\"resp_" + seq + "\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\""
                    + MODEL + "-2026-06-01\",\"output\":[],\"usage\":null}}");
            event(out, "response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                    + "\"item_id\":\"msg_" + seq + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hello there\"}");
            waitForTest();
            for (int i = 0; endless && i < 100_000; i++) {
                event(out, "response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\""
                        + "x".repeat(1000) + "\"}");
            }
            event(out, "response.completed", "{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":"
                    + response(seq, "completed") + "}");
        });
    }

    /** What a stream writes. */
    private interface Chunks {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    private static void streamed(HttpExchange exchange, Chunks chunks) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        try {
            chunks.write(exchange.getResponseBody());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the gateway went away: nothing more to send
        }
    }

    private void waitForTest() throws IOException, InterruptedException {
        CountDownLatch latch = holdAfterFirstChunk;
        if (latch != null && !latch.await(30, TimeUnit.SECONDS)) {
            throw new IOException("the test never released the stream");
        }
    }

    private static void data(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String error(String type, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":null}}";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
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
