package dev.entourage.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The branch {@code entourage run} stores on the session: also a fresh repository's, null outside one. */
class GitTest {
    @TempDir
    Path dir;

    @Test
    void aNewRepositoryHasItsBranchAndAPlainDirectoryNone() throws Exception {
        Process init = new ProcessBuilder("git", "init", "-q", "-b", "runaway-branch", dir.resolve("repo").toString())
                .inheritIO().start();
        assertThat(init.waitFor()).isZero();

        assertThat(Git.branch(dir.resolve("repo").toString())).isEqualTo("runaway-branch");
        assertThat(Git.branch(dir.toString())).isNull();
    }
}
