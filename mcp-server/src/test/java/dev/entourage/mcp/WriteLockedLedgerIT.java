package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another process holds the ledger's write lock ({@code BEGIN IMMEDIATE} on its own SQLite connection, as a
 * long write elsewhere would): reads must not wait for it. A key's advisory {@code last_used_at} is written
 * behind the request, and a new sidecar on an up-to-date ledger starts without writing. The store's busy
 * timeout is 5 s; the bounds below are generous but well under it.
 */
class WriteLockedLedgerIT {
    private static final Duration PROMPT = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    @Test
    void aRestReadWithAKeyDueForItsTouchAnswersPromptlyAndTheTouchLandsAfterTheLockGoes() throws Exception {
        Path db = dir.resolve("ledger.db");
        try (BridgeFixture bridge = new BridgeFixture(db)) {
            String key = bridge.agentKey("eng-1");
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest budget = HttpRequest.newBuilder(URI.create(bridge.uri() + "/api/v1/agents/eng-1/budget"))
                    .header("X-API-Key", key).build();
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                exec(locker, "BEGIN IMMEDIATE");
                long start = System.nanoTime();
                HttpResponse<String> answer = http.send(budget, HttpResponse.BodyHandlers.ofString());
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(took).as("a read must not wait for last_used_at").isLessThan(PROMPT);
                assertThat(lastUsedAt(db)).as("nothing can be written while the lock is held").isNull();
                exec(locker, "ROLLBACK");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lastUsedAt(db) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(lastUsedAt(db)).as("the touch lands once the lock is released").isNotNull();
        }
    }

    @Test
    void aSidecarStartsAndAnswersReadsWhileAnotherProcessHoldsTheWriteLock() throws Exception {
        Path db = dir.resolve("ledger.db");
        Cli cli = new Cli(db);
        cli.ok("init");
        cli.ok("agents", "set", "eng-1", "--daily-limit", "5");
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(locker, "BEGIN IMMEDIATE");
            try (StdioProcess sidecar = new StdioProcess(db, "eng-1")) {
                sidecar.send(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"check_budget\","
                                + "\"arguments\":{}}}");

                JsonNode initialized = sidecar.awaitAnswer(1);
                JsonNode tools = sidecar.awaitAnswer(2);
                JsonNode check = sidecar.awaitAnswer(3);

                assertThat(initialized.path("result").path("serverInfo").path("name").asText()).isEqualTo("entourage");
                assertThat(tools.path("result").path("tools").findValuesAsText("name")).contains("check_budget");
                assertThat(check.path("result").path("isError").asBoolean()).as(check.toString()).isFalse();
                assertThat(check.path("result").path("structuredContent").path("daily_limit_usd").decimalValue())
                        .isEqualByComparingTo("5");
                exec(locker, "ROLLBACK");
                assertThat(sidecar.closeStdinAndAwaitExit(30)).isTrue();
                assertThat(sidecar.exitValue()).as(sidecar.stderr()).isZero();
            }
        }
    }

    @Test
    void aSidecarForANewAgentStartsUnderTheLockAndCreatesItAtItsFirstCall() throws Exception {
        Path db = dir.resolve("ledger.db");
        new Cli(db).ok("init");
        try (StdioProcess sidecar = new StdioProcess(db, "eng-2")) {
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                exec(locker, "BEGIN IMMEDIATE");
                sidecar.send(StdioProcess.INITIALIZE, StdioProcess.INITIALIZED,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
                sidecar.awaitAnswer(1);
                assertThat(sidecar.awaitAnswer(2).path("result").path("tools").findValuesAsText("name"))
                        .contains("start_session", "claude_code_hook");
                exec(locker, "ROLLBACK");
            }
            sidecar.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"start_session\",\"arguments\":{}}}");
            JsonNode started = sidecar.awaitAnswer(3);
            assertThat(started.path("result").path("isError").asBoolean()).as(started.toString()).isFalse();
            assertThat(started.path("result").path("structuredContent").path("agent").asText())
                    .isEqualTo("eng-2");
            assertThat(sidecar.closeStdinAndAwaitExit(30)).isTrue();
        }
    }

    private static Long lastUsedAt(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_used_at FROM api_keys")) {
            rs.next();
            long value = rs.getLong(1);
            return rs.wasNull() ? null : value;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
