import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's load bench, one JDK-only source file (run with {@code java bench/gateway/GatewayBench.java MODE ...}):
 *
 * <pre>
 * standin --port 0 [--events 12] [--gap-ms 0]
 *     a fast stand-in of the Messages API: every POST /v1/messages is a stream of message_start, --events
 *     content_block_delta, message_delta and message_stop, --gap-ms apart (a request's x-bench-gap-ms header, which
 *     the gateway passes on, overrides it); prints "listening on PORT"
 * latency --url URL --key KEY [--concurrency 200] [--seconds 20] [--label L] [--gap-ms G] [--spread-ms S]
 *     that many clients stream back to back for that long; prints p50/p90/p99 of time to first byte (the first
 *     event) and to last byte, in ms, and one JSON line; --gap-ms asks the stand-in for that gap (x-bench-gap-ms);
 *     --spread-ms starts client c after c * S / concurrency ms and counts only the calls started after S ms (with S
 *     the length of a stream, calls arrive evenly rather than in bursts of all the clients at once)
 * hold --url URL --key KEY --pid PID [--streams 1000] [--at 0,500,1000] [--settle-seconds 70]
 *     opens that many streams and keeps them open; at each count, samples PID's VmRSS, VmHWM and Threads
 *     (/proc/PID/status) and its heap after a full GC (jcmd PID GC.run, then GC.heap_info); samples once more
 *     after --settle-seconds with every stream still open (the thread pools' idle threads have stopped by then)
 * </pre>
 *
 * URL is the Messages endpoint: {@code http://127.0.0.1:P/v1/messages} (the stand-in itself) or
 * {@code http://127.0.0.1:B/anthropic/v1/messages} (through the gateway). Bench equipment, not product.
 */
public final class GatewayBench {
    private static final String GAP_HEADER = "x-bench-gap-ms";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        switch (args[0]) {
            case "standin" -> standin(Integer.parseInt(opt.getOrDefault("port", "0")),
                    Integer.parseInt(opt.getOrDefault("events", "12")), Long.parseLong(opt.getOrDefault("gap-ms", "0")));
            case "latency" -> latency(opt.get("url"), opt.get("key"), Integer.parseInt(opt.getOrDefault("concurrency",
                    "200")), Integer.parseInt(opt.getOrDefault("seconds", "20")), opt.getOrDefault("label", ""),
                    opt.get("gap-ms"), Long.parseLong(opt.getOrDefault("spread-ms", "0")));
            case "hold" -> hold(opt.get("url"), opt.get("key"), Long.parseLong(opt.get("pid")),
                    Integer.parseInt(opt.getOrDefault("streams", "1000")), opt.getOrDefault("at", "0,500,1000"),
                    Integer.parseInt(opt.getOrDefault("settle-seconds", "70")));
            default -> throw new IllegalArgumentException("mode: standin, latency or hold");
        }
    }

    private static void standin(int port, int events, long gap) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 2048);
        server.createContext("/", exchange -> stream(exchange, events, gapOf(exchange, gap)));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private static long gapOf(HttpExchange exchange, long gap) {
        String asked = exchange.getRequestHeaders().getFirst(GAP_HEADER);
        return asked == null ? gap : Long.parseLong(asked);
    }

    private static void stream(HttpExchange exchange, int events, long gap) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("request-id", "req_bench" + System.nanoTime());
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_b\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":"
                    + "1200,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");
            for (int i = 0; i < events; i++) {
                pause(gap);
                event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                        + "\"text_delta\",\"text\":\"Hello there, this is event " + i + " of the stream.\"}}");
            }
            pause(gap);
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":" + (10 * events + 1) + "}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        } catch (IOException gone) {
            // the client went away
        }
    }

    private static void pause(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static HttpRequest request(String url, String key, String gap) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", "sk-ant-bench").header("x-claude-code-session-id", "bench");
        if (key != null) {
            b.header("X-Entourage-Key", key);
        }
        if (gap != null) {
            b.header(GAP_HEADER, gap);
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    }

    private static void latency(String url, String key, int concurrency, int seconds, String label, String gap,
                                long spreadMillis) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long begun = System.nanoTime();
        long counted = begun + TimeUnit.MILLISECONDS.toNanos(spreadMillis);
        long end = counted + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int c = 0; c < concurrency; c++) {
            long delay = spreadMillis * c / concurrency;
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    Thread.sleep(delay);
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        HttpResponse<InputStream> answer = client.send(request(url, key, gap),
                                HttpResponse.BodyHandlers.ofInputStream());
                        try (InputStream in = answer.body()) {
                            if (answer.statusCode() != 200) {
                                errors.add("status " + answer.statusCode());
                                continue;
                            }
                            long first = 0;
                            StringBuilder tail = new StringBuilder();
                            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                                if (first == 0) {
                                    first = System.nanoTime();
                                }
                                tail.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                                if (tail.length() > 200) {
                                    tail.delete(0, tail.length() - 200);
                                }
                            }
                            long last = System.nanoTime();
                            if (!tail.toString().endsWith("{\"type\":\"message_stop\"}\n\n")) {
                                errors.add("stream not ended by message_stop");
                            } else if (start >= counted) {
                                samples.add(new long[] {first - start, last - start});
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    errors.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
        long[] ttfb = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] ttlb = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        System.out.printf("%-10s %7d streams (%.0f/s), %d errors | first byte p50 %.2f p90 %.2f p99 %.2f ms | "
                        + "last byte p50 %.2f p90 %.2f p99 %.2f ms%n", label, ttfb.length, ttfb.length / (double) seconds,
                errors.size(), ms(ttfb, 50), ms(ttfb, 90), ms(ttfb, 99), ms(ttlb, 50), ms(ttlb, 90), ms(ttlb, 99));
        System.out.printf("{\"label\":\"%s\",\"concurrency\":%d,\"streams\":%d,\"errors\":%d,\"ttfb_ms\":[%.3f,%.3f,"
                        + "%.3f],\"ttlb_ms\":[%.3f,%.3f,%.3f]}%n", label, concurrency, ttfb.length, errors.size(),
                ms(ttfb, 50), ms(ttfb, 90), ms(ttfb, 99), ms(ttlb, 50), ms(ttlb, 90), ms(ttlb, 99));
        errors.stream().limit(5).forEach(e -> System.err.println("error: " + e));
        System.exit(errors.isEmpty() ? 0 : 1);
    }

    private static double ms(long[] sorted, int percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static void hold(String url, String key, long pid, int streams, String at, int settle)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Integer> checkpoints = Arrays.stream(at.split(",")).map(Integer::parseInt).toList();
        List<InputStream> open = new ArrayList<>();
        sample(pid, 0, checkpoints);
        while (open.size() < streams) {
            int batch = Math.min(100, streams - open.size());
            List<CompletableFuture<HttpResponse<InputStream>>> calls = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                calls.add(client.sendAsync(request(url, key, null), HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (CompletableFuture<HttpResponse<InputStream>> call : calls) {
                HttpResponse<InputStream> answer = call.get(2, TimeUnit.MINUTES);
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("status " + answer.statusCode());
                }
                InputStream in = answer.body();
                if (in.read() < 0) {
                    throw new IllegalStateException("a stream ended before its first event");
                }
                open.add(in);
            }
            sample(pid, open.size(), checkpoints);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
        System.out.printf("after %d s more, all still open:%n", settle);
        sample(pid, open.size(), checkpoints);
        for (InputStream in : open) {
            in.close();
        }
        System.exit(0);
    }

    private static void sample(long pid, int open, List<Integer> checkpoints) throws Exception {
        if (!checkpoints.contains(open)) {
            return;
        }
        Process gc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Process heap = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                .start();
        String info = new String(heap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        heap.waitFor();
        String used = info.lines().filter(l -> l.contains("used")).findFirst().orElse("?").trim();
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] kv = line.split(":\\s+", 2);
            if (kv.length == 2) {
                status.put(kv[0], kv[1].trim());
            }
        }
        System.out.printf("open %5d | VmRSS %s | VmHWM %s | Threads %s | heap after GC: %s%n", open,
                status.get("VmRSS"), status.get("VmHWM"), status.get("Threads"), used);
    }
}
