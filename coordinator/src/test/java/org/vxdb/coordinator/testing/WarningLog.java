package org.vxdb.coordinator.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what VxDB logs at WARN or above while a fuzz input runs. The adapters and the core log
 * a warning exactly where a request met an internal error (a failure that is not the client's
 * fault and has no message of its own for it), so a fuzz test asserts that nothing was collected.
 */
public final class WarningLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> events = new ArrayList<>();

    private WarningLog() {
    }

    /** Starts collecting from every {@code org.vxdb} logger. */
    public static WarningLog attach() {
        WarningLog log = new WarningLog();
        log.setName("fuzz-warnings");
        log.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        log.start();
        root().addAppender(log);
        return log;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getLoggerName().startsWith("org.vxdb")) {
            var proxy = event.getThrowableProxy();
            String thrown = proxy == null ? "" : " (" + proxy.getClassName() + ": " + proxy.getMessage() + ")";
            events.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage() + thrown);
        }
    }

    /** What was collected since the last call, and forgets it. */
    public synchronized List<String> drain() {
        List<String> out = List.copyOf(events);
        events.clear();
        return out;
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
