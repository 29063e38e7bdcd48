package dev.entourage.cli.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The settings file {@code entourage run} hands Claude Code with {@code --settings}: private, deleted after. */
final class RunSettings implements AutoCloseable {
    private final Path dir;
    private final Path file;

    private RunSettings(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    static RunSettings write(ObjectNode settings) {
        try {
            Path dir = Files.createTempDirectory("entourage-run-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("settings.json");
            Files.writeString(file, JsonText.write(settings, true), StandardCharsets.UTF_8);
            return new RunSettings(dir, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
