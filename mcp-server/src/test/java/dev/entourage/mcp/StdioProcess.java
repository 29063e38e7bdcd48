package dev.entourage.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code entourage mcp} process driven line by line, without an MCP client: what it writes on stdout
 * (each line) and on stderr is collected as it comes.
 */
final class StdioProcess implements AutoCloseable {
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private final Process process;
    private final OutputStream in;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    /** Starts {@code java [jvmFlags] -jar entourage.jar mcp --agent AGENT --db DB --create}. */
    StdioProcess(Path db, String agent, String... jvmFlags) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-jar", Sidecar.jar(), "mcp", "--agent", agent, "--db", db.toString(), "--create"));
        this.process = new ProcessBuilder(command).start();
        this.in = process.getOutputStream();
        this.stdoutReader = new Thread(this::readStdout, "stdout-reader");
        this.stderrReader = new Thread(() -> copy(process.getErrorStream(), stderr), "stderr-reader");
        stdoutReader.start();
        stderrReader.start();
    }

    /** Writes these lines (each followed by a newline) in one write and flushes. */
    void send(String... messages) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String message : messages) {
            text.append(message).append('\n');
        }
        in.write(text.toString().getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Writes {@code times} copies of {@code bytes} from another thread, so that a sidecar that stops reading
     * cannot block the test; false when they were not all written within {@code seconds}.
     */
    boolean sendRepeated(byte[] bytes, int times, long seconds) throws InterruptedException {
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < times; i++) {
                    in.write(bytes);
                }
                in.flush();
            } catch (IOException ignored) {
                // the process stopped reading or ended: the join below says so
            }
        }, "stdin-writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(TimeUnit.SECONDS.toMillis(seconds));
        return !writer.isAlive() && process.isAlive();
    }

    /** Closes stdin and waits for the process to exit and its output to end. */
    boolean closeStdinAndAwaitExit(long seconds) throws IOException, InterruptedException {
        in.close();
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        if (exited) {
            stdoutReader.join(5000);
            stderrReader.join(5000);
        }
        return exited;
    }

    /** Waits (at most 30 s) for the answer whose {@code id} is {@code id}. */
    JsonNode awaitAnswer(long id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode message : messages()) {
                if (message.path("id").isIntegralNumber() && message.path("id").asLong() == id) {
                    return message;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no answer with id " + id + "; stdout: " + lines() + "; stderr: " + stderr());
    }

    /** Every stdout line so far, parsed. */
    List<JsonNode> messages() {
        return lines().stream().map(LedgerContract::parse).toList();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void readStdout() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream out = process.getInputStream()) {
            int b;
            while ((b = out.read()) >= 0) {
                if (b == '\n') {
                    synchronized (lines) {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static void copy(InputStream from, ByteArrayOutputStream to) {
        byte[] buffer = new byte[4096];
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                synchronized (to) {
                    to.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
