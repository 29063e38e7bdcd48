package dev.entourage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entourage.http.hooks.ClaudeCodeHooks;
import dev.entourage.http.json.Json;
import dev.entourage.ledger.capture.HookEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code entourage hook}: a Claude Code {@code type: "command"} hook that relays the hook input on stdin to the
 * bridge's {@code POST /hooks/claude-code} and prints the answer on stdout, always exiting 0. When the bridge cannot
 * be reached, or does not answer 2xx with a JSON object, it fails closed: the events that can block
 * ({@code PreToolUse}, {@code PostToolBatch}, {@code UserPromptSubmit}) are refused, the others get {@code {}}.
 */
@Command(name = "hook", mixinStandardHelpOptions = true,
        description = {"A Claude Code command hook that fails closed: reads the hook input JSON on stdin, asks the "
                + "bridge (POST URL/hooks/claude-code) and prints its answer. When the bridge is unreachable or "
                + "refuses, PreToolUse, PostToolBatch and UserPromptSubmit are refused and other events allowed.",
                "It opens no ledger; stdout carries only the hook's JSON; exit status is 0."})
final class HookCommand implements Callable<Integer> {
    private static final int MAX_INPUT_BYTES = 1 << 20;
    private static final String PATH = "/hooks/claude-code";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:ENTOURAGE_URL:-http://127.0.0.1:8000}",
            description = "The bridge (entourage serve) (env ENTOURAGE_URL; default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:ENTOURAGE_KEY}",
            description = "An agent key, or an admin key with --agent (env ENTOURAGE_KEY).")
    String key;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "The agent the session belongs to; needed with an admin key.")
    String agent;

    @Option(names = "--task", paramLabel = "NAME", description = "A task name for the session (admin keys).")
    String task;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the bridge (default: ${DEFAULT-VALUE}); then fail closed.")
    int timeoutSeconds;

    @Override
    public Integer call() throws IOException {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        byte[] input = System.in.readNBytes(MAX_INPUT_BYTES);
        HookEvent event = ClaudeCodeHooks.eventOf(parse(input));
        String base = url == null ? "" : url.strip().replaceAll("/+$", "");
        JsonNode answer;
        try {
            answer = ask(base, input);
        } catch (Refused e) {
            LoggerFactory.getLogger(HookCommand.class).warn("{}", e.getMessage());
            answer = ClaudeCodeHooks.refusal(event, e.getMessage());
        }
        stdout.println(Json.mapper().writeValueAsString(answer));
        stdout.flush();
        return 0;
    }

    private JsonNode ask(String base, byte[] input) throws Refused {
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + PATH)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(input));
        } catch (IllegalArgumentException e) {
            throw new Refused("Entourage: --url '" + base + "' is not a URL such as http://127.0.0.1:8000; "
                    + "failing closed");
        }
        if (key != null && !key.isBlank()) {
            request.header("X-API-Key", key.strip());
        }
        if (agent != null && !agent.isBlank()) {
            request.header("X-Entourage-Agent", agent.strip());
        }
        if (task != null && !task.isBlank()) {
            request.header("X-Entourage-Task", task.strip());
        }
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused("Entourage unreachable at " + base + "; failing closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("Entourage unreachable at " + base + "; failing closed");
        }
        JsonNode body = parse(response.body().getBytes(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            String why = body == null ? "" : body.path("error").path("message").asText("");
            throw new Refused("Entourage at " + base + " refused the hook (HTTP " + response.statusCode()
                    + (why.isEmpty() ? "" : ": " + why) + "); failing closed");
        }
        if (response.body().isBlank()) {
            return Json.mapper().createObjectNode();
        }
        if (body == null || !body.isObject()) {
            throw new Refused("Entourage at " + base + " answered something other than hook JSON; failing closed");
        }
        return body;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return bytes.length == 0 ? null : Json.mapper().readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** No decision could be had from the bridge; the message is the refusal's reason. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
