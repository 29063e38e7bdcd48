package dev.entourage.app;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The logging of {@code entourage}: slf4j-simple (to stderr, configured by {@code simplelogger.properties}), except
 * that the MCP SDK's lines about a client that went away are DEBUG, not WARN or ERROR (see
 * {@link DisconnectFilteringLogger}). A client that disconnects is normal; the SDK already cleans up after it (it
 * closes the stream or drops the session on the failed write) but logs it as a failure, on loggers it also uses
 * for real failures, so the level is chosen per message. {@link Main} selects this provider.
 */
public final class QuietDisconnects implements SLF4JServiceProvider {
    private static final String SDK_LOGGERS = "io.modelcontextprotocol.";

    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private ILoggerFactory loggers;

    @Override
    public void initialize() {
        simple.initialize();
        ILoggerFactory delegate = simple.getLoggerFactory();
        loggers = name -> name.startsWith(SDK_LOGGERS)
                ? new DisconnectFilteringLogger(delegate.getLogger(name)) : delegate.getLogger(name);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return simple.getMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return simple.getMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }
}
