package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Telling whether the process that made a metered call is gone. */
class CallOwnerTest {
    @Test
    void thisProcessIsNotGone() {
        assertThat(CallOwner.gone(CallOwner.current())).isFalse();
    }

    @Test
    void aProcessThatExitedIsGone() throws Exception {
        Process child = new ProcessBuilder("java", "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String owner = ownerOf(child.toHandle());
        child.waitFor();

        assertThat(CallOwner.gone(owner)).isTrue();
    }

    @Test
    void aPidReusedByAProcessStartedAtAnotherTimeIsGone() {
        String[] me = CallOwner.current().split("/");
        long started = Long.parseLong(me[2]);

        assertThat(CallOwner.gone(me[0] + "/" + me[1] + "/" + (started - 60_000))).isEqualTo(started != 0);
    }

    @Test
    void aProcessOfAnotherHostOrAMalformedNameIsNeverJudgedGone() {
        assertThat(CallOwner.gone("another-host.example/1/0")).isFalse();
        assertThat(CallOwner.gone("garbage")).isFalse();
    }

    private static String ownerOf(ProcessHandle process) {
        String host = CallOwner.current().split("/")[0];
        long started = process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return host + "/" + process.pid() + "/" + started;
    }
}
