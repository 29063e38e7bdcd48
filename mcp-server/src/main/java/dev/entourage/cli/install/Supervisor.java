package dev.entourage.cli.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs one child program with its output streamed through, asks {@code check} every {@code poll} whether it must
 * stop, and if so stops it with its whole process tree: a polite signal first, then a forced kill after
 * {@code grace}.
 */
final class Supervisor {
    /** How a run ended: the child's exit code, and why it was stopped (null when it ended by itself). */
    record Outcome(int exitCode, String stoppedFor) {
    }

    private final List<String> command;
    private final Map<String, String> env;
    private final Duration poll;
    private final Duration grace;

    Supervisor(List<String> command, Map<String, String> env, Duration poll, Duration grace) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.poll = poll;
        this.grace = grace;
    }

    Outcome run(Supplier<Optional<String>> check, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process child = builder.start();
        Thread stopOnExit = new Thread(() -> stop(child, Duration.ofSeconds(1)), "entourage-run-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        Thread stdout = pump(child.getInputStream(), out, "entourage-run-stdout");
        Thread stderr = pump(child.getErrorStream(), err, "entourage-run-stderr");
        String stoppedFor = null;
        try {
            while (!child.waitFor(poll.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                Optional<String> stop = check.get();
                if (stop.isPresent()) {
                    stoppedFor = stop.get();
                    stop(child, grace);
                    break;
                }
            }
            int code = child.waitFor();
            stdout.join(grace.toMillis());
            stderr.join(grace.toMillis());
            return new Outcome(code, stoppedFor);
        } finally {
            if (child.isAlive()) {
                stop(child, grace);
            }
            removeHook(stopOnExit);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            hook.interrupt();
        }
    }

    /** Terminates the child and its descendants, forcibly after {@code grace}. */
    static void stop(Process child, Duration grace) {
        List<ProcessHandle> tree = child.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        child.destroy();
        try {
            if (!child.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Thread pump(InputStream from, OutputStream to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                return;
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
