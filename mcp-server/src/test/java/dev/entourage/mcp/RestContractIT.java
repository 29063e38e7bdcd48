package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The contract through the REST routes ({@code /api/v1}) with an agent key, as curl or a non-MCP agent uses them. */
class RestContractIT extends LedgerContract {
    private BridgeFixture bridge;

    @Override
    Door open(Path db, String agent) {
        if (bridge == null) {
            bridge = new BridgeFixture(db);
        }
        return new RestDoor(bridge, agent, bridge.agentKey(agent));
    }

    @AfterEach
    void stopBridge() {
        if (door != null) {
            door.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    /** Maps each tool to its route; answers keep the REST shapes, errors their {@code error} object. */
    static final class RestDoor implements Door {
        private final HttpClient http = HttpClient.newHttpClient();
        private final BridgeFixture bridge;
        private final String agent;
        private final String key;
        private Long openSession;

        RestDoor(BridgeFixture bridge, String agent, String key) {
            this.bridge = bridge;
            this.agent = agent;
            this.key = key;
        }

        @Override
        public ToolAnswer call(String tool, Map<String, Object> arguments) {
            Map<String, Object> body = new HashMap<>(arguments);
            Object named = body.remove("session_id");
            String session = named != null ? named.toString() : String.valueOf(openSession);
            return switch (tool) {
                case "start_session" -> started(send("POST", "/agents/" + agent + "/sessions", arguments, "session"));
                case "report_usage" -> send("POST", "/sessions/" + session + "/usage", body, "usage");
                case "check_budget" -> arguments.containsKey("estimated_cost_usd")
                        ? reserved(send("POST", "/agents/" + agent + "/budget/holds", arguments, "reservation"))
                        : send("GET", "/agents/" + agent + "/budget"
                                + (arguments.containsKey("task_id") ? "?task_id=" + arguments.get("task_id") : ""), null,
                                "budget");
                case "end_session" -> send("POST", "/sessions/" + session + "/end", null, "session");
                default -> throw new IllegalArgumentException(tool);
            };
        }

        /** REST answers a start with the session; the contract reads {@code session_id} as the tool gives it. */
        private ToolAnswer started(ToolAnswer answer) {
            if (answer.isError()) {
                return answer;
            }
            openSession = answer.structured().path("id").asLong();
            ObjectNode shaped = McpClientDoor.MAPPER.createObjectNode();
            shaped.put("session_id", openSession);
            shaped.set("session", answer.structured());
            return new ToolAnswer(false, shaped, "");
        }

        /** REST answers a reservation with {@code {hold_id, expires_at, budget}}; the tool with the budget plus the hold. */
        private static ToolAnswer reserved(ToolAnswer answer) {
            if (answer.isError()) {
                return answer;
            }
            ObjectNode shaped = answer.structured().path("budget").deepCopy();
            shaped.put("hold_id", answer.structured().path("hold_id").asText());
            shaped.put("hold_expires_at", answer.structured().path("expires_at").asText());
            return new ToolAnswer(false, shaped, "");
        }

        /** Sends one request; its answer must conform to {@code shape}, or, for an error status, to {@code error}. */
        private ToolAnswer send(String method, String path, Map<String, Object> body, String shape) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.uri() + "/api/v1" + path))
                        .header("X-API-Key", key);
                if (body == null) {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                } else {
                    request.header("Content-Type", "application/json").method(method,
                            HttpRequest.BodyPublishers.ofString(McpClientDoor.MAPPER.writeValueAsString(body)));
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = McpClientDoor.MAPPER.readTree(response.body());
                Conformance.check(response.statusCode() >= 400 ? "error" : shape, json);
                if (response.statusCode() >= 400) {
                    JsonNode error = json.path("error");
                    return new ToolAnswer(true, error, error.path("code").asText() + ": " + error.path("message").asText());
                }
                return new ToolAnswer(false, json, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void restart() {
            bridge.restart();
        }

        @Override
        public void close() {
        }
    }
}
