package dev.entourage.app;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An MCP SDK logger that logs, at DEBUG, exactly the lines the SDK writes when a client has gone away, and
 * everything else as asked:
 *
 * <ul>
 *   <li>{@code KeepAliveScheduler}'s "Keep-alive ping to session … failed" (WARN): the client is gone or does not
 *       answer pings; either way the server has nothing to fix. The scheduler's own failure stays ERROR.</li>
 *   <li>the session transports' "Failed to send message to session …: Client disconnected" (ERROR): the write
 *       to a closed connection; the transport is closed right after. A send that fails otherwise stays ERROR.</li>
 * </ul>
 */
final class DisconnectFilteringLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    static final String PING_FAILED = "Keep-alive ping to session {} failed: {}";
    static final String SEND_FAILED = "Failed to send message to session {}: {}";
    static final String DISCONNECTED = "Client disconnected";
    private static final List<String> ALWAYS_DEBUG = List.of(PING_FAILED);

    private final transient Logger delegate;

    DisconnectFilteringLogger(Logger delegate) {
        this.delegate = delegate;
        this.name = delegate.getName();
    }

    /** Whether this call is about a client that went away. */
    static boolean aboutAGoneClient(String message, Object[] arguments) {
        if (ALWAYS_DEBUG.contains(message)) {
            return true;
        }
        return SEND_FAILED.equals(message) && arguments != null && arguments.length > 0
                && DISCONNECTED.equals(arguments[arguments.length - 1]);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] arguments,
                                               Throwable throwable) {
        Level effective = level.toInt() > Level.DEBUG.toInt() && aboutAGoneClient(message, arguments)
                ? Level.DEBUG : level;
        if (!delegate.isEnabledForLevel(effective)) {
            return;
        }
        LoggingEventBuilder event = delegate.atLevel(effective);
        if (marker != null) {
            event = event.addMarker(marker);
        }
        if (arguments != null) {
            for (Object argument : arguments) {
                event = event.addArgument(argument);
            }
        }
        if (throwable != null) {
            event = event.setCause(throwable);
        }
        event.log(message);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }
}
