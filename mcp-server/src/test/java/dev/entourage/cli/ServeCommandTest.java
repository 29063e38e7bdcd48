package dev.entourage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entourage serve}'s set-up mistakes: each names the option to change, in one line. */
class ServeCommandTest {
    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(dir.resolve("ledger.db"));
    }

    @Test
    void aPortInUseSaysSoAndSuggestsPort() throws Exception {
        assertThat(cli().run("init").code()).isZero();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            CliRunner.Run run = cli().run("serve", "--port", Integer.toString(port));

            assertThat(run.code()).isNotZero();
            assertThat(run.err()).contains("port " + port + " is in use").contains("--port")
                    .doesNotContain("internal error").doesNotContain("IllegalStateException");
        }
    }

    @Test
    void aPortOutOfRangeBlamesPortNotHost() {
        assertThat(cli().run("init").code()).isZero();

        CliRunner.Run run = cli().run("serve", "--port", "99999");

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--port").contains("65535").doesNotContain("--host");
    }

    @Test
    void anAllowedHostThatIsNoHostNameBlamesAllowedHosts() {
        assertThat(cli().run("init").code()).isZero();

        CliRunner.Run run = cli().run("serve", "--port", "0", "--allowed-hosts", "bridge.lan,http://x/");

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--allowed-hosts").contains("http://x/");
    }

    @Test
    void anAnthropicUpstreamThatIsNoHttpUrlBlamesTheOption() {
        assertThat(cli().run("init").code()).isZero();

        CliRunner.Run run = cli().run("serve", "--port", "0", "--anthropic-upstream", "ftp://api.example.com");

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--anthropic-upstream").contains("ftp://api.example.com");
    }

    @Test
    void anOpenAiUpstreamThatIsNoHttpUrlBlamesTheOption() {
        assertThat(cli().run("init").code()).isZero();

        CliRunner.Run run = cli().run("serve", "--port", "0", "--openai-upstream", "api.openai.com");

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--openai-upstream").contains("'api.openai.com' is not an http(s) URL");
    }
}
