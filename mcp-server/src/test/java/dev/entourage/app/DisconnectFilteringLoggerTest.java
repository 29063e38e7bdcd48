package dev.entourage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** The MCP SDK's lines about a client that went away are DEBUG; its other warnings and errors are not. */
class DisconnectFilteringLoggerTest {
    private final ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final Logger logger = new DisconnectFilteringLogger(new EventRecordingLogger(
            new SubstituteLogger("io.modelcontextprotocol.spec.McpTransport", events, false), events));

    @Test
    void aGoneClientIsDebugAndEverythingElseKeepsItsLevel() {
        logger.warn(DisconnectFilteringLogger.PING_FAILED, "session-1", "Did not observe any item");
        logger.error(DisconnectFilteringLogger.SEND_FAILED, "session-2", "Client disconnected");
        logger.error(DisconnectFilteringLogger.SEND_FAILED, "session-3", "Cannot serialize the message");
        logger.error("KeepAlive scheduler error", new IOException("boom"));
        logger.warn("Failed to complete async context for session {}: {}", "session-4", "odd");
        logger.info("Client requested unsupported protocol version: {}", "1999-01-01");

        List<Level> levels = events.stream().map(SubstituteLoggingEvent::getLevel).toList();
        assertThat(levels).containsExactly(Level.DEBUG, Level.DEBUG, Level.ERROR, Level.ERROR, Level.WARN,
                Level.INFO);
        assertThat(events.stream().map(SubstituteLoggingEvent::getMessage).toList().get(3))
                .isEqualTo("KeepAlive scheduler error");
        assertThat(events.stream().skip(3).findFirst().orElseThrow().getThrowable()).hasMessage("boom");
        assertThat(events.stream().skip(1).findFirst().orElseThrow().getArgumentArray())
                .containsExactly("session-2", "Client disconnected");
    }
}
