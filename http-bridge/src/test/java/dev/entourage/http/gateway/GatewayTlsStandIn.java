package dev.entourage.http.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A stand-in of the Anthropic Messages API ({@code POST /v1/messages}, streamed or not) and of OpenAI's chat
 * completions ({@code POST /v1/chat/completions}), served by Jetty over HTTPS with the certificate of a key store,
 * offering by ALPN the protocols it is given ({@code h2}, {@code http/1.1}). It records the protocol each request
 * came over; a streamed answer waits after its first events until the test releases it.
 */
final class GatewayTlsStandIn implements AutoCloseable {
    /** The model OpenAI's answers name: the snapshot of the model asked for. */
    static final String OPENAI_MODEL = OpenAiStandIn.MODEL + "-2026-06-01";
    final List<String> protocols = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch finished = new CountDownLatch(1);
    private final Server server;
    private final ServerConnector connector;

    GatewayTlsStandIn(Path keyStore, String... alpn) throws Exception {
        server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(GatewayTlsCertificates.PASSWORD);
        HttpConfiguration config = new HttpConfiguration();
        HttpConnectionFactory http11 = new HttpConnectionFactory(config);
        ALPNServerConnectionFactory negotiation = new ALPNServerConnectionFactory(alpn);
        negotiation.setDefaultProtocol(http11.getProtocol());
        List<ConnectionFactory> factories = List.of(new SslConnectionFactory(tls, negotiation.getProtocol()),
                negotiation, new HTTP2ServerConnectionFactory(config), http11);
        connector = new ServerConnector(server, factories.toArray(ConnectionFactory[]::new));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                GatewayTlsStandIn.this.handle(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }

    private void handle(Request request, Response response, Callback callback) throws IOException {
        protocols.add(request.getConnectionMetaData().getProtocol());
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        int seq = calls.incrementAndGet();
        boolean stream = body.replace(" ", "").contains("\"stream\":true");
        String path = Request.getPathInContext(request);
        if (path.equals("/v1/chat/completions")) {
            response.getHeaders().put("x-request-id", "req_tls" + seq);
            answer(response, callback, stream, List.of("data: " + chunk(seq, "{\"content\":\"Hello there\"}", "null")
                    + "\n\n", "data: " + chunk(seq, "{}", "\"stop\"") + "\n\ndata: {\"id\":\"chatcmpl-" + seq
                    + "\",\"object\":\"chat.completion.chunk\",\"model\":\"" + OPENAI_MODEL
                    + "\",\"choices\":[],\"usage\":" + chatUsage() + "}\n\ndata: [DONE]\n\n"), completion(seq));
        } else if (path.equals("/v1/messages")) {
            response.getHeaders().put("request-id", "req_tls" + seq);
            answer(response, callback, stream, List.of(event("message_start", "{\"type\":\"message_start\","
                    + "\"message\":{\"id\":\"msg_" + seq + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                    + StandInUpstream.MODEL + "\",\"content\":[],\"usage\":{" + usage() + ",\"output_tokens\":1}}}")
                    + event("content_block_delta", delta("Hello there")), event("content_block_delta",
                    delta(", world")) + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\"},\"usage\":{\"output_tokens\":" + StandInUpstream.OUTPUT + "}}")
                    + event("message_stop", "{\"type\":\"message_stop\"}")), message(seq));
        } else {
            Response.writeError(request, response, callback, 404);
        }
    }

    /** A streamed answer's two parts, the second only once the test releases it; else {@code whole} at once. */
    private void answer(Response response, Callback callback, boolean stream, List<String> parts, String whole)
            throws IOException {
        response.setStatus(200);
        if (!stream) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, whole, callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.write(parts.get(0).getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the stream");
            }
            out.write(parts.get(1).getBytes(StandardCharsets.UTF_8));
            callback.succeeded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (IOException e) {
            callback.failed(e);
        } finally {
            finished.countDown();
        }
    }

    private static String usage() {
        return "\"input_tokens\":" + StandInUpstream.INPUT + ",\"cache_creation_input_tokens\":"
                + StandInUpstream.CACHE_WRITE + ",\"cache_read_input_tokens\":" + StandInUpstream.CACHE_READ
                + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
                + (StandInUpstream.CACHE_WRITE - StandInUpstream.CACHE_WRITE_1H) + ",\"ephemeral_1h_input_tokens\":"
                + StandInUpstream.CACHE_WRITE_1H + "}";
    }

    private static String message(int seq) {
        return "{\"id\":\"msg_" + seq + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                + StandInUpstream.MODEL + "\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":"
                + "\"end_turn\",\"usage\":{" + usage() + ",\"output_tokens\":" + StandInUpstream.OUTPUT + "}}";
    }

    private static String chatUsage() {
        return "{\"prompt_tokens\":" + OpenAiStandIn.PROMPT + ",\"completion_tokens\":" + OpenAiStandIn.COMPLETION
                + ",\"total_tokens\":" + (OpenAiStandIn.PROMPT + OpenAiStandIn.COMPLETION)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + OpenAiStandIn.CACHED + ",\"cache_write_tokens\":"
                + OpenAiStandIn.CACHE_WRITE + "},\"completion_tokens_details\":{\"reasoning_tokens\":"
                + OpenAiStandIn.REASONING + "}}";
    }

    private static String completion(int seq) {
        return "{\"id\":\"chatcmpl-" + seq + "\",\"object\":\"chat.completion\",\"model\":\"" + OPENAI_MODEL
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + chatUsage() + "}";
    }

    private static String chunk(int seq, String delta, String finish) {
        return "{\"id\":\"chatcmpl-" + seq + "\",\"object\":\"chat.completion.chunk\",\"model\":\""
                + OPENAI_MODEL + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + finish + "}]}";
    }

    private static String delta(String text) {
        return "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text
                + "\"}}";
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Override
    public void close() {
        release.countDown();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTPS stand-in", e);
        }
    }
}
