package dev.entourage.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * Names the process that makes a metered call ({@code host/pid/start-millis}), so a later process on the same host
 * can tell that the maker is gone (no such pid, or a pid reused by a process started at another time) and recover
 * its open calls at once instead of waiting for their holds to expire. A maker on another host is never judged gone.
 */
public final class CallOwner {
    private static final String HOST = host();
    private static final String CURRENT = describe(ProcessHandle.current());

    private CallOwner() {
    }

    /** This process. */
    public static String current() {
        return CURRENT;
    }

    /** Whether {@code owner} is a process of this host that is no longer running; false when it cannot be told. */
    public static boolean gone(String owner) {
        String[] parts = owner.split("/");
        if (parts.length != 3 || !parts[0].equals(HOST)) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[1]);
            started = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        return started != 0 && process.get().info().startInstant().map(Instant::toEpochMilli)
                .map(at -> Math.abs(at - started) > 1_000).orElse(false);
    }

    private static String describe(ProcessHandle process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return HOST + "/" + process.pid() + "/" + started;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace('/', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
