package dev.entourage.cli.install;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * One configuration file an install changes: read once, then written only when its text changes, after a backup
 * beside it ({@code NAME.entourage-backup}, else one with a timestamp when that exists), atomically, readable by
 * its owner only (0600: it may hold a key). A dry run prints the unified diff instead and writes nothing.
 */
final class ConfigFile {
    private final Path path;
    private final String label;
    private final String before;

    private ConfigFile(Path path, String label, String before) {
        this.path = path;
        this.label = label;
        this.before = before;
    }

    /** Reads {@code path} (a symbolic link is followed, so a dotfile manager's link stays a link). */
    static ConfigFile read(Path path, String label) {
        Path real = path;
        try {
            if (Files.isSymbolicLink(path) && Files.exists(path)) {
                real = path.toRealPath();
            }
            if (Files.isDirectory(real)) {
                throw JsonText.unreadable(path, "is a directory");
            }
            String text = Files.exists(real, LinkOption.NOFOLLOW_LINKS)
                    ? Files.readString(real, StandardCharsets.UTF_8) : null;
            return new ConfigFile(real, label, text);
        } catch (IOException e) {
            throw failure(path, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Applies {@code change} to the JSON object in {@code path} (a missing file is an empty object): writes it, or
     * prints the diff for a dry run, unless it changes nothing. The file's layout is kept when nothing changes.
     */
    static boolean editJson(Path path, java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode>
            change, boolean dryRun, PrintStream out) {
        ConfigFile file = read(path, path.toString());
        com.fasterxml.jackson.databind.node.ObjectNode before = JsonText.parse(file.before(), path);
        com.fasterxml.jackson.databind.node.ObjectNode after = change.apply(before);
        if (after.equals(before)) {
            out.println(path + ": already up to date, nothing to change.");
            return false;
        }
        return file.apply(JsonText.write(after, file.endsWithNewline()), dryRun, out);
    }

    /** The text now, or null when the file does not exist. */
    String before() {
        return before;
    }

    boolean exists() {
        return before != null;
    }

    /** Whether the text now ends with a newline (kept as it is; a new file gets one). */
    boolean endsWithNewline() {
        return before == null || before.endsWith("\n");
    }

    /**
     * Writes {@code after} (or prints its diff for a dry run), says what it did on {@code out}, and returns whether
     * the file changes.
     */
    boolean apply(String after, boolean dryRun, PrintStream out) {
        if (after.equals(before)) {
            out.println(label + ": already up to date, nothing to change.");
            return false;
        }
        if (dryRun) {
            out.print(UnifiedDiff.of(label, before, after));
            return true;
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            String backup = before == null ? null : backup();
            Path temp = path.resolveSibling("." + path.getFileName() + ".entourage-tmp");
            Files.deleteIfExists(temp);
            createPrivate(temp);
            Files.writeString(temp, after, StandardCharsets.UTF_8);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println((before == null ? "Created " : "Updated ") + label + " (0600, as it may hold your key)"
                    + (backup == null ? "." : "; the previous version is in " + backup + "."));
            return true;
        } catch (IOException e) {
            throw failure(path, "could not be written (" + e.getClass().getSimpleName() + ")");
        }
    }

    private String backup() throws IOException {
        Path backup = path.resolveSibling(path.getFileName() + ".entourage-backup");
        if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .format(Clock.systemUTC().instant());
            backup = path.resolveSibling(path.getFileName() + ".entourage-backup-" + stamp);
        }
        try {
            createPrivate(backup);
        } catch (FileAlreadyExistsException e) {
            // a second install within the same second: that backup already holds an earlier version
            return backup.toString();
        }
        Files.writeString(backup, before, StandardCharsets.UTF_8);
        return backup.toString();
    }

    private static void createPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private static LedgerException failure(Path path, String what) {
        return new LedgerException(ErrorCode.CONFLICT, path + " " + what + "; nothing was changed.",
                Map.of("field", "file"), null);
    }
}
