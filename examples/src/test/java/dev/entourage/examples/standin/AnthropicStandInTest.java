package dev.entourage.examples.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in speaks the Messages API the way Claude Code reads it (the E2E runs the real CLI against it; this
 * pins the wire shape): SSE events in order with the fixed usage split across {@code message_start} and
 * {@code message_delta}, the same {@code tool_use} every turn, a {@code request-id} header, and its call log.
 */
class AnthropicStandInTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOL_TURN = "{\"model\":\"claude-opus-5-5\",\"stream\":%s,\"tools\":[{\"name\":"
            + "\"Bash\"}],\"messages\":[%s]}";
    private static final String TOOL_RESULT = "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":\"hi\"}]}";

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private String start(AnthropicStandIn.Script script) throws IOException {
        HttpServer server = AnthropicStandIn.start(script, 0,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static AnthropicStandIn.Script runaway(int endAfter) {
        return new AnthropicStandIn.Script(new AnthropicStandIn.Usage(1200, 400, 3000, 20000), endAfter, 0, 1, 0);
    }

    private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStreamedTurnIsTheSameToolCallWithTheFixedUsage() throws Exception {
        String base = start(runaway(0));
        HttpResponse<String> answer = post(base + "/v1/messages?beta=true", String.format(TOOL_TURN, "true", ""));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(answer.headers().firstValue("request-id")).hasValue("req_standin000001");
        List<String> names = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        for (String line : answer.body().split("\n")) {
            if (line.startsWith("event: ")) {
                names.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                data.add(JSON.readTree(line.substring(6)));
            }
        }
        assertThat(names).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        JsonNode usage = data.get(0).path("message").path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(1200);
        assertThat(usage.path("cache_creation_input_tokens").asLong()).isEqualTo(3000);
        assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(20000);
        assertThat(usage.path("cache_creation").path("ephemeral_5m_input_tokens").asLong()).isEqualTo(3000);
        assertThat(data.get(4).path("content_block").path("name").asText()).isEqualTo("Bash");
        assertThat(JSON.readTree(data.get(5).path("delta").path("partial_json").asText()).path("command").asText())
                .isEqualTo("echo hi");
        assertThat(data.get(7).path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(data.get(7).path("usage").path("output_tokens").asLong()).isEqualTo(400);
    }

    @Test
    void aPlainTurnIsOneMessageAndEveryCallIsLogged() throws Exception {
        String base = start(runaway(0));
        JsonNode message = JSON.readTree(post(base + "/v1/messages", String.format(TOOL_TURN, "false", "")).body());
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("content").path(1).path("input").path("command").asText()).isEqualTo("echo hi");
        assertThat(message.path("usage").path("output_tokens").asLong()).isEqualTo(400);

        JsonNode noTools = JSON.readTree(post(base + "/v1/messages", "{\"model\":\"m\",\"messages\":[]}").body());
        assertThat(noTools.path("stop_reason").asText()).isEqualTo("end_turn");

        String[] calls = client.send(HttpRequest.newBuilder(URI.create(base + "/_standin/calls")).build(),
                HttpResponse.BodyHandlers.ofString()).body().split("\n");
        assertThat(calls).hasSize(2);
        JsonNode first = JSON.readTree(calls[0]);
        assertThat(first.path("request_id").asText()).isEqualTo("req_standin000001");
        assertThat(first.path("tools").asBoolean()).isTrue();
        assertThat(first.path("input").asLong()).isEqualTo(1200);
        assertThat(JSON.readTree(calls[1]).path("tools").asBoolean()).isFalse();
    }

    @Test
    void endAfterAnswersTextOnceEnoughToolResultsCameBack() throws Exception {
        String base = start(runaway(2));
        JsonNode one = JSON.readTree(post(base + "/v1/messages", String.format(TOOL_TURN, "false", TOOL_RESULT))
                .body());
        assertThat(one.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode two = JSON.readTree(post(base + "/v1/messages", String.format(TOOL_TURN, "false",
                TOOL_RESULT + "," + TOOL_RESULT)).body());
        assertThat(two.path("stop_reason").asText()).isEqualTo("end_turn");
    }
}
