package dev.entourage.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entourage.store.SqliteLedgerStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar killed with SIGKILL at random moments while it records usage, restarted, and sent every
 * unacknowledged report again with the same {@code event_id}: each acknowledged report is in the ledger exactly
 * once, replays of committed reports answer {@code duplicate: true}, and the database is sound after every
 * restart. The seed is printed and can be set with {@code -Dcrash.seed=N}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashRecoveryIT {
    private static final int REPORTS = 2_000;
    private static final int KILLS = 30;
    private static final long MICROS_PER_STEP = 123;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TempDir
    Path dir;

    /** How a planned kill happens relative to the report it interrupts. */
    private enum KillMode {
        /** Right after the request is written, before the child can answer. */
        RIGHT_AFTER_WRITE,
        /** A random 0-12 ms after the request is written: parsing, writing, committing or answering. */
        SHORTLY_AFTER_WRITE,
        /** Once the answer is on its way back but not yet read: committed, yet unacknowledged. */
        ANSWERED_BUT_UNREAD,
        /** After the answer was read, between two reports. */
        AFTER_ANSWER
    }

    @Test
    void killedSidecarsLoseNoAcknowledgedReportAndCountRetriesOnce() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryIT seed: " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path db = dir.resolve("ledger.db");

        TreeSet<Integer> killAt = new TreeSet<>();
        while (killAt.size() < KILLS) {
            killAt.add(1 + random.nextInt(REPORTS - 1));
        }
        Map<Integer, KillMode> modes = new LinkedHashMap<>();
        KillMode[] all = KillMode.values();
        int m = 0;
        for (int k : killAt) {
            modes.put(k, all[m++ % all.length]); // every mode, many times
        }

        long started = System.nanoTime();
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        int kills = 0;
        int inFlightAtKill = 0;
        int committedBeforeKill = 0;
        int duplicateAnswers = 0;
        int replaysOfAcknowledged = 0;
        long sessionId;

        Child child = new Child(db, dir.resolve("child.log"));
        try {
            JsonNode session = child.call("start_session", JSON.createObjectNode()
                    .put("model", LedgerContract.MODEL));
            assertThat(session.path("isError").asBoolean()).as(session.toString()).isFalse();
            sessionId = session.path("structuredContent").path("session_id").asLong();
            assertThat(sessionId).isPositive();

            String lastAcknowledged = null;
            for (int k = 0; k < REPORTS; k++) {
                String eventId = "crash-" + k;
                long micros = MICROS_PER_STEP * (k + 1);
                ObjectNode args = report(sessionId, eventId, micros);
                KillMode mode = modes.get(k);
                JsonNode answer;
                if (mode != null && mode != KillMode.AFTER_ANSWER) {
                    child.send("report_usage", args);
                    if (mode == KillMode.SHORTLY_AFTER_WRITE) {
                        LockSupport.parkNanos(random.nextInt(12_000) * 1_000L);
                    } else if (mode == KillMode.ANSWERED_BUT_UNREAD) {
                        child.awaitOutput();
                    }
                    child.kill();
                    kills++;
                    inFlightAtKill++;
                    boolean committed = stored(db, eventId);
                    committedBeforeKill += committed ? 1 : 0;
                    if (mode == KillMode.ANSWERED_BUT_UNREAD) {
                        assertThat(committed).as("an answered report is committed").isTrue();
                    }
                    child = restart(db, child);
                    // Retry the unacknowledged report with the same event id: it must count once.
                    answer = child.call("report_usage", args);
                    assertThat(answer.path("isError").asBoolean()).as(answer.toString()).isFalse();
                    assertThat(answer.path("structuredContent").path("duplicate").asBoolean())
                            .as("retry of %s answers duplicate exactly when the killed child had committed it",
                                    eventId)
                            .isEqualTo(committed);
                } else {
                    answer = child.call("report_usage", args);
                    assertThat(answer.path("isError").asBoolean()).as(answer.toString()).isFalse();
                    assertThat(answer.path("structuredContent").path("duplicate").asBoolean())
                            .as("a fresh event is not a duplicate").isFalse();
                }
                JsonNode structured = answer.path("structuredContent");
                duplicateAnswers += structured.path("duplicate").asBoolean() ? 1 : 0;
                assertThat(structured.path("event_id").asText()).isEqualTo(eventId);
                assertThat(structured.path("cost_usd").decimalValue()).isEqualByComparingTo(dollars(micros));
                assertThat(acknowledged.put(eventId, micros)).as("acknowledged once").isNull();
                lastAcknowledged = eventId;

                if (mode == KillMode.AFTER_ANSWER) {
                    child.kill();
                    kills++;
                    child = restart(db, child);
                    // A report acknowledged before the kill, replayed: already recorded, counted once.
                    JsonNode replay = child.call("report_usage",
                            report(sessionId, lastAcknowledged, acknowledged.get(lastAcknowledged)));
                    assertThat(replay.path("isError").asBoolean()).as(replay.toString()).isFalse();
                    assertThat(replay.path("structuredContent").path("duplicate").asBoolean()).isTrue();
                    replaysOfAcknowledged++;
                }
            }

            long expected = acknowledged.values().stream().mapToLong(Long::longValue).sum();
            JsonNode budget = child.call("check_budget", JSON.createObjectNode());
            assertThat(budget.path("isError").asBoolean()).as(budget.toString()).isFalse();
            assertThat(budget.path("structuredContent").path("daily_spent_usd").decimalValue())
                    .as("agent daily spent").isEqualByComparingTo(dollars(expected));
            child.closeInput();
        } finally {
            child.kill();
        }

        long expected = acknowledged.values().stream().mapToLong(Long::longValue).sum();
        assertThat(acknowledged).hasSize(REPORTS);
        assertThat(expected).isEqualTo(MICROS_PER_STEP * REPORTS * (REPORTS + 1) / 2);
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            assertThat(queryLong(jdbc, "SELECT COUNT(*) FROM usage_events")).as("one row per event id")
                    .isEqualTo(REPORTS);
            assertThat(queryLong(jdbc, "SELECT COUNT(DISTINCT event_id) FROM usage_events")).isEqualTo(REPORTS);
            assertThat(queryLong(jdbc, "SELECT SUM(cost_micros) FROM usage_events")).isEqualTo(expected);
            assertThat(queryLong(jdbc, "SELECT cost_micros FROM sessions WHERE id = " + sessionId))
                    .as("session cost").isEqualTo(expected);
            assertThat(queryLong(jdbc, "SELECT COUNT(*) FROM sessions")).isEqualTo(1);
        }
        assertIntact(db);

        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("CrashRecoveryIT: %d reports, %d kills (%d in flight, %d of them committed before the "
                        + "kill), %d replays of acknowledged reports, %d duplicate answers in all, %.1f s%n",
                REPORTS, kills, inFlightAtKill, committedBeforeKill, replaysOfAcknowledged,
                duplicateAnswers + replaysOfAcknowledged, seconds);
        assertThat(kills).isGreaterThanOrEqualTo(20);
    }

    private static ObjectNode report(long sessionId, String eventId, long micros) {
        return JSON.createObjectNode()
                .put("session_id", sessionId)
                .put("input_tokens", 1_000)
                .put("output_tokens", 100)
                .put("cost_usd", dollars(micros))
                .put("event_id", eventId);
    }

    private static BigDecimal dollars(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** After a kill: the integrity check (through {@code entourage doctor}) must be clean, then a new child. */
    private static Child restart(Path db, Child dead) throws Exception {
        assertThat(dead.isAlive()).isFalse();
        assertIntact(db);
        return new Child(db, dead.log);
    }

    private static void assertIntact(Path db) {
        String doctor = new Cli(db).output("doctor");
        assertThat(doctor.lines().findFirst()).contains("ok");
        try (SqliteLedgerStore store = SqliteLedgerStore.open(db, SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT,
                Clock.systemUTC())) {
            assertThat(store.integrityCheck()).as("integrity check after a kill").isEmpty();
        }
    }

    private static boolean stored(Path db, String eventId) throws SQLException {
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             PreparedStatement statement = jdbc.prepareStatement(
                     "SELECT COUNT(*) FROM usage_events WHERE event_id = ?")) {
            statement.setString(1, eventId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                assertThat(count).isLessThanOrEqualTo(1);
                return count == 1;
            }
        }
    }

    private static long queryLong(Connection jdbc, String sql) throws SQLException {
        try (var statement = jdbc.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    /** One {@code entourage mcp} process spoken to in raw newline-delimited JSON-RPC. */
    private static final class Child {
        private static final String EOF = "\u0000eof";
        private final Process process;
        private final OutputStream in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Path log;
        private int nextId = 1;

        Child(Path db, Path log) throws IOException, InterruptedException {
            this.log = log;
            List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Xss512k", "-XX:-UsePerfData", "-jar", Sidecar.jar(), "mcp", "--agent", "crash", "--create", "--db",
                    db.toString(), "--model", LedgerContract.MODEL));
            this.process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            this.in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // killed
                } finally {
                    lines.add(EOF);
                }
            }, "crash-child-reader");
            reader.setDaemon(true);
            reader.start();
            int id = nextId++;
            write(JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "initialize")
                    .set("params", JSON.createObjectNode().put("protocolVersion", "2025-06-18")
                            .<ObjectNode>set("capabilities", JSON.createObjectNode())
                            .set("clientInfo", JSON.createObjectNode().put("name", "crash-it").put("version", "1"))));
            JsonNode init = answer(id);
            assertThat(init.has("result")).as(init.toString()).isTrue();
            write(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        }

        /** Sends a tool call and returns its id without waiting for the answer. */
        int send(String tool, ObjectNode arguments) throws IOException {
            int id = nextId++;
            write(JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
                    .set("params", JSON.createObjectNode().put("name", tool).set("arguments", arguments)));
            return id;
        }

        /** Calls a tool and returns its {@code result}. */
        JsonNode call(String tool, ObjectNode arguments) throws IOException, InterruptedException {
            JsonNode answer = answer(send(tool, arguments));
            assertThat(answer.has("result")).as(answer.toString()).isTrue();
            return answer.path("result");
        }

        private void write(JsonNode message) throws IOException {
            in.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        private JsonNode answer(int id) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || EOF.equals(line)) {
                    throw new AssertionError("no answer to request " + id + (line == null ? " in 30 s" : "; the "
                            + "child exited with " + process.waitFor()));
                }
                JsonNode message = JSON.readTree(line);
                if (message.path("id").asInt(-1) == id) {
                    return message;
                }
            }
        }

        /** Waits until the child has written something (the answer to the request in flight) without reading it. */
        void awaitOutput() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the child wrote nothing in 30 s");
                }
                Thread.sleep(0, 100_000);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        void closeInput() throws IOException, InterruptedException {
            in.close();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exits when stdin closes").isTrue();
        }

        /** SIGKILL on Linux: no shutdown hooks, no flushing, no clean close of the database. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
