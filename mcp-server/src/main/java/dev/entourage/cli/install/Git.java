package dev.entourage.cli.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The git branch of a directory (also a new one without commits), when {@code git} answers quickly; else null. */
final class Git {
    private Git() {
    }

    static String branch(String dir) {
        try {
            Process git = new ProcessBuilder("git", "-C", dir, "symbolic-ref", "--short", "-q", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!git.waitFor(2, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            String branch = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.exitValue() == 0 && !branch.isEmpty() ? branch : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
