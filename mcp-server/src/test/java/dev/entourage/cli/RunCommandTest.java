package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entourage.app.Ledger;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SessionQuery;
import dev.entourage.ledger.SessionStatus;
import dev.entourage.ledger.access.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entourage run -- claude …} with a stand-in {@code claude} (a shell script that prints its arguments and
 * environment, then sleeps): the session is registered first, the child gets the session id, what is left of the
 * budget, the telemetry and the hooks, and it is stopped when the session is killed from another thread.
 */
class RunCommandTest {
    @TempDir
    Path dir;

    private Path db;
    private Path claude;
    private Path log;
    private String key;
    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private String bridge;

    @BeforeEach
    void ledgerAndFakeClaude() throws IOException {
        db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            key = ledger.access().createKey("default", Role.AGENT, "eng-1", "run").secret();
        }
        assertThat(new CliRunner(db).run("agents", "set", "eng-1", "--daily-limit", "5.009").code()).isZero();
        claude = dir.resolve("bin/claude");
        Files.createDirectories(claude.getParent());
        try (InputStream script = RunCommandTest.class.getResourceAsStream("fake-claude.sh")) {
            Files.write(claude, script.readAllBytes());
        }
        assertThat(claude.toFile().setExecutable(true)).isTrue();
        log = dir.resolve("claude.log");
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            bridge = "http://127.0.0.1:" + closed.getLocalPort();
        }
    }

    @AfterEach
    void stopRunner() {
        runner.shutdownNow();
    }

    private Future<CliRunner.Run> start(String... command) {
        Map<String, String> env = Map.of("HOME", dir.resolve("home").toString(), "PATH", System.getenv("PATH"),
                "ENTOURAGE_KEY", key, "FAKE_CLAUDE_LOG", log.toString());
        List<String> args = new java.util.ArrayList<>(List.of("run", "--db", db.toString(), "--grace", "1", "--url",
                bridge, "--"));
        args.addAll(List.of(command));
        return runner.submit(() -> CliRunner.execute(env, null, args.toArray(String[]::new)));
    }

    private Session activeSession() throws InterruptedException {
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            for (int i = 0; i < 600; i++) {
                Optional<Session> active = ledger.services().sessions().list(Actor.local(), Ref.name("eng-1"),
                        SessionQuery.latest(5)).stream().filter(Session::isActive).findFirst();
                if (active.isPresent() && Files.exists(log)) {
                    return active.get();
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no running session");
    }

    private void kill(long session) {
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            ledger.services().sessions().kill(Actor.local(), session, "runaway");
        }
    }

    @Test
    void registersTheSessionPassesWhatIsLeftAndStopsTheChildWhenTheSessionIsKilled() throws Exception {
        Future<CliRunner.Run> running = start(claude.toString(), "-p", "loop forever");
        Session session = activeSession();
        assertThat(session.capture().source()).isEqualTo("claude_code");
        assertThat(session.capture().cwd()).isEqualTo(Path.of("").toAbsolutePath().toString());
        kill(session.id());

        CliRunner.Run run = running.get(60, TimeUnit.SECONDS);

        assertThat(run.code()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("entourage: stopped " + claude + ": the session was killed");
        String external = session.capture().externalId();
        assertThat(run.out()).contains("args: --session-id " + external + " --max-budget-usd 5.00 --settings ")
                .contains(" -p loop forever")
                .contains("endpoint: " + bridge)
                .contains("headers: X-API-Key=" + key)
                .contains("attributes: entourage.agent=eng-1")
                .contains("\"url\":\"" + bridge + "/hooks/claude-code\"")
                .contains("\"OTEL_EXPORTER_OTLP_PROTOCOL\":\"http/protobuf\"");
        assertThat(run.out()).doesNotContain("SessionStart");
        assertThat(run.err()).contains("the bridge at " + bridge + " does not answer");
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            assertThat(ledger.services().sessions().get(Actor.local(), session.id()).status())
                    .isEqualTo(SessionStatus.KILLED);
        }
        assertThat(alive()).as("the child is gone").isEmpty();
    }

    @Test
    void aChildThatIgnoresTheSignalIsKilledAfterTheGrace() throws Exception {
        Future<CliRunner.Run> running = start(claude.toString(), "-p", "stubborn");
        kill(activeSession().id());

        CliRunner.Run run = running.get(60, TimeUnit.SECONDS);

        assertThat(run.code()).as(run.err()).isEqualTo(3);
        assertThat(alive()).as("the child is gone").isEmpty();
    }

    @Test
    void theChildsExitCodeIsPassedThroughAndTheSessionEnded() throws Exception {
        CliRunner.Run run = start(claude.toString(), "-p", "exit 7").get(60, TimeUnit.SECONDS);

        assertThat(run.code()).as(run.err()).isEqualTo(7);
        assertThat(run.err()).contains("giving up");
        try (Ledger ledger = Ledger.open(db.toString(), null, Clock.systemUTC())) {
            List<Session> sessions = ledger.services().sessions().list(Actor.local(), Ref.name("eng-1"),
                    SessionQuery.latest(5));
            assertThat(sessions).hasSize(1);
            assertThat(sessions.get(0).status()).isEqualTo(SessionStatus.ENDED);
        }
    }

    @Test
    void anAgentOverBudgetIsNotStarted() throws Exception {
        assertThat(new CliRunner(db).run("agents", "set", "eng-1", "--paused", "true").code()).isZero();

        CliRunner.Run run = start(claude.toString(), "-p", "loop forever").get(60, TimeUnit.SECONDS);

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("entourage: not starting: eng-1 is over budget: the agent or its team is "
                + "paused");
        assertThat(log).doesNotExist();
    }

    @Test
    void onlyClaudeIsRunAndItsOwnSessionFlagsAreRefused() throws Exception {
        CliRunner.Run codex = start("codex", "exec", "hi").get(60, TimeUnit.SECONDS);
        assertThat(codex.code()).isEqualTo(2);
        assertThat(codex.err()).contains("entourage run starts Claude Code (`claude`), not codex")
                .contains("entourage install codex");

        CliRunner.Run flags = start(claude.toString(), "--session-id", "x", "-p", "hi").get(60, TimeUnit.SECONDS);
        assertThat(flags.code()).isEqualTo(2);
        assertThat(flags.err()).contains("leave --session-id out");
        assertThat(log).doesNotExist();
    }

    private List<String> alive() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().map(line -> line.substring("started ".length()))
                .filter(pid -> ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false))
                .toList();
    }
}
