package dev.entourage.http.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The git branch checked out in a directory, read from {@code .git/HEAD} (or the {@code gitdir:} a worktree's
 * {@code .git} file names) in it or a parent: a couple of small file reads, no {@code git} process.
 */
public final class GitHead {
    private static final int MAX_BYTES = 4096;
    private static final int MAX_DEPTH = 64;
    private static final String BRANCH_REF = "ref: refs/heads/";

    private GitHead() {
    }

    /** As {@link #branch(Path)}, for a path as text; null also when it is not a path. */
    public static String branch(String dir) {
        try {
            return dir == null ? null : branch(Path.of(dir));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The branch name; null when {@code dir} is not an absolute path of this machine inside a git work tree, the
     * HEAD is detached, or anything cannot be read.
     */
    public static String branch(Path dir) {
        try {
            if (dir == null || !dir.isAbsolute()) {
                return null;
            }
            Path at = dir.normalize();
            for (int depth = 0; at != null && depth < MAX_DEPTH; depth++, at = at.getParent()) {
                Path git = at.resolve(".git");
                if (Files.isDirectory(git)) {
                    return fromHead(git.resolve("HEAD"));
                }
                if (Files.isRegularFile(git)) {
                    String pointer = read(git);
                    if (pointer == null || !pointer.startsWith("gitdir:")) {
                        return null;
                    }
                    return fromHead(at.resolve(pointer.substring("gitdir:".length()).strip()).resolve("HEAD"));
                }
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String fromHead(Path head) {
        String text = read(head);
        if (text == null || !text.startsWith(BRANCH_REF)) {
            return null;
        }
        String name = text.substring(BRANCH_REF.length()).strip();
        return name.isEmpty() || name.length() > 500 || name.chars().anyMatch(c -> c < 0x20) ? null : name;
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
